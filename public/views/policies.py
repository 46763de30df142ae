"""The documents side of the public site, the home page and the combined search."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, When
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from core.charts import PALETTE, Series, stacked_bar_chart
from core.dates import PeriodCount, counts_by_year, period_counts
from core.filters import chinese_active
from core.models import Status
from core.search import (
    COUNT_CAP,
    HIGHLIGHT_START,
    MAX_QUERY_LENGTH,
    capped_count,
    headline,
    highlight_terms,
    marked_html,
    normalise_query,
    search_query,
)
from policies.filters import PolicyFilter
from policies.models import (
    LISTING_DEFERRED,
    Directive,
    DocumentRelation,
    PolicyDocument,
    RelationKind,
)
from public.views.pages import FilteredListView
from public.views.versions import AsOfMixin
from zones.filters import ZoneFilter
from zones.maps import designations_chart, map_zones, program_colours, zones_geojson
from zones.models import Program, Zone

SUMMARY_WORDS = 45


def is_public(record) -> bool:
    """The Python twin of ``published()`` for a record already loaded through a relation."""
    return record.status == Status.PUBLISHED and (
        record.go_live_at is None or record.go_live_at <= timezone.now()
    )


def highlight(records, q: str, fields: dict[str, bool]) -> None:
    """Set ``<field>_html`` on each record: its text in the reader's language, matches marked.

    Only the records given (the rows on the page) are highlighted, with one query for all of
    them. ``fields`` maps a field to True when it is shown whole (a title) rather than as an
    excerpt (a summary).
    """
    records = list(records)
    if not records or not q:
        return
    english, runs = highlight_terms(q)
    chinese = chinese_active()
    marked = {}
    if english is not None:
        model = type(records[0])
        annotations = {
            f"{name}_headline": headline(f"{name}_en", english, whole=whole)
            for name, whole in fields.items()
        }
        rows = (
            model._base_manager.filter(pk__in=[record.pk for record in records])
            .annotate(**annotations)
            .values("pk", *annotations)
        )
        marked = {row["pk"]: row for row in rows}
    for record in records:
        for name, whole in fields.items():
            chinese_text = getattr(record, f"{name}_zh_hans", "") or ""
            english_text = getattr(record, f"{name}_en", "") or ""
            headline_text = marked.get(record.pk, {}).get(f"{name}_headline") or ""
            if (chinese and chinese_text) or not english_text:
                text = chinese_text
            elif whole or HIGHLIGHT_START in headline_text:
                # A title is marked whole; a summary shows the excerpt around its matches.
                text = headline_text or english_text
            else:
                text = english_text
            if not whole and HIGHLIGHT_START not in text:
                text = Truncator(text).words(SUMMARY_WORDS)
            setattr(record, f"{name}_html", marked_html(text, runs))


class HomeView(TemplateView):
    query_parameters = ()
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        programs = list(Program.objects.published().for_listing().order_by("slug"))
        zones = map_zones(Zone.objects.published().order_by("approved_on", "slug"), programs)
        colours = program_colours(programs)
        # The counts /api/v1/policies/facets/ gives by year.
        documents_by_year = period_counts(PolicyDocument.objects.published(), "issued_on")
        latest = PolicyDocument.objects.published().for_listing()[:5]
        return super().get_context_data(
            zone_count=len(zones),
            document_count=PolicyDocument.objects.published().count(),
            program_count=len(programs),
            province_count=len({zone.province_id for zone in zones}),
            programs=[(program, colours[program.slug]) for program in programs],
            zones_geojson=zones_geojson(zones),
            program_colours=colours,
            map_programs=programs,
            timeline=designation_timeline(zones),
            designations_chart=designations_chart(
                zones, programs, title=_("Zones designated each year, by program")
            ),
            documents_chart=stacked_bar_chart(
                title=_("Policy documents published each year"),
                description=_("Documents in the register by the year they were published."),
                categories=[year for year, _count in documents_by_year],
                series=[Series(_("Documents"), PALETTE[0], dict(documents_by_year))],
            ),
            latest_documents=latest,
            **kwargs,
        )


def designation_timeline(zones) -> list[dict]:
    """Designation rounds in date order: each program's batch (or year) with its zones."""
    rounds: dict[tuple, dict] = {}
    for zone in zones:
        if zone.approved_on is None:
            continue
        year = zone.approved_on.year
        key = (year, zone.program.slug, zone.batch.number if zone.batch_id else None)
        entry = rounds.setdefault(
            key,
            {"year": year, "program": zone.program, "batch": zone.batch, "zones": []},
        )
        entry["zones"].append(zone)
    return [rounds[key] for key in sorted(rounds, key=lambda k: (k[0], k[1], k[2] or 0))]


class PolicyListView(FilteredListView):
    filterset_class = PolicyFilter
    template_name = "policies/policy_list.html"
    paginate_by = 20
    search_count_cap = COUNT_CAP

    def get_base_queryset(self):
        return PolicyDocument.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        highlight(
            context["object_list"], normalise_query(q or ""), {"title": True, "summary": False}
        )
        context["query"] = q
        periods = counts_by_year(self.issued_counts())
        context["issued_periods"] = period_links(self.request.GET, periods)
        return context

    def issued_counts(self) -> list[tuple[str, int]]:
        """The date facet's counts, as /api/v1/policies/facets/?bucket=month gives them."""
        return self.facet_filterset().issued_counts("month")


@dataclass(frozen=True)
class PeriodLink:
    """A year or a month of the date facet as the form links it: the current filters with the
    period's date range, from the first page."""

    period: PeriodCount
    href: str
    current: bool
    months: tuple["PeriodLink", ...] = ()


def period_links(query, periods: list[PeriodCount]) -> list[PeriodLink]:
    """The links of ``periods`` (years with their months) from the request's ``query``, as
    ``{% querystring issued_after=… issued_before=… page=None %}`` writes them."""
    after, before = query.get("issued_after"), query.get("issued_before")
    base = query.copy()
    base.pop("page", None)

    def link(period: PeriodCount) -> PeriodLink:
        first, last = period.first_day, period.last_day
        base["issued_after"], base["issued_before"] = first, last
        href = f"?{base.urlencode()}"
        months = tuple(link(month) for month in period.months)
        return PeriodLink(period, href, (after, before) == (first, last), months)

    return [link(period) for period in periods]


class PolicyDetailView(AsOfMixin, DetailView):
    """One document. Subclassed by the admin's preview, which widens ``get_queryset``."""

    model = PolicyDocument
    # Built once: Django clones it for each request (``get_queryset``), and building the
    # query with its inlined lists costs more than running it.
    queryset = PolicyDocument.objects.published().for_detail()
    template_name = "policies/policy_detail.html"
    context_object_name = "document"
    # A past version, and the page of the document's relations.
    query_parameters = ("as_of", "page")

    def relation_queryset(self):
        """The relations the page may show: both ends public (the preview widens it)."""
        return DocumentRelation.objects.published()

    def relations_page(self, document):
        """One page of the document's relations, its own first (a document cites a few; a
        founding notice is cited by hundreds), each as (how it relates, the other document,
        the note). ``?page=`` turns the pages; a page number out of range shows the last."""
        relations = (
            self.relation_queryset()
            .filter(Q(from_document=document) | Q(to_document=document))
            .select_related("from_document", "to_document")
            .defer(
                *(f"from_document__{name}" for name in LISTING_DEFERRED),
                *(f"to_document__{name}" for name in LISTING_DEFERRED),
            )
            .annotate(incoming=Case(When(to_document=document, then=1), default=0))
            .order_by(
                "incoming",
                "kind",
                F("from_document__issued_on").desc(nulls_last=True),
                F("to_document__issued_on").desc(nulls_last=True),
                "pk",
            )
        )
        page = first_read_once(relations, self.request.GET.get("page"))
        rows = [
            (INVERSE_RELATION[relation.kind], relation.from_document, relation.note)
            if relation.incoming
            else (relation.get_kind_display(), relation.to_document, relation.note)
            for relation in page
        ]
        return page, rows

    def get_context_data(self, **kwargs):
        document = self.object
        successor = document.superseded_by
        if successor is not None and not is_public(successor):
            successor = None
        page, relations = self.relations_page(document)
        directives = list(document.directives.all())
        zone_ids = [zone.pk for zone in document.zones.all()]
        same_zones = documents_sharing_zones(document, zone_ids) if zone_ids else []
        return super().get_context_data(
            successor=successor,
            relations=relations,
            page_obj=page,
            directives=directives,
            same_zone_documents=same_zones,
            feed_query="",
            **kwargs,
        )


# The relations a document's page lists at once; more are a page away (?page=2).
RELATIONS_PER_PAGE = 20


def first_read_once(relations, number):
    """The page ``number`` of ``relations``. Page one, which most readers see, is read as one
    query of a row more than fits: most documents have no more, and need no count."""
    paginator = Paginator(relations, RELATIONS_PER_PAGE)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    first = list(relations[: RELATIONS_PER_PAGE + 1])
    if len(first) <= RELATIONS_PER_PAGE:
        return Paginator(first, RELATIONS_PER_PAGE).page(1)
    # More pages: the total is counted when the page links ask for it.
    return paginator._get_page(first[:RELATIONS_PER_PAGE], 1, paginator)


# How many of each zone's newest documents are candidates for "other documents about the
# same zones": a founding notice shares a zone with tens of thousands, and ranking them all
# costs a scan of the register on every document page.
SAME_ZONE_CANDIDATES = 200


def documents_sharing_zones(document, zone_ids: list[int], count: int = 6):
    """Public documents that share the most of ``zone_ids`` with ``document``, the latest
    first among equals, chosen from the ``SAME_ZONE_CANDIDATES`` newest documents of each zone
    (read from the links' (zone, document) index); only the few shown are read whole."""
    links = PolicyDocument.zones.through.objects
    newest = [
        links.filter(zone_id=zone_id)
        .order_by("-policydocument_id")
        .values("policydocument_id")[:SAME_ZONE_CANDIDATES]
        for zone_id in zone_ids
    ]
    candidates = newest[0].union(*newest[1:], all=True)
    order = ("-shared", F("issued_on").desc(nulls_last=True), "slug")
    ranked = (
        PolicyDocument.objects.published()
        .exclude(pk=document.pk)
        .filter(pk__in=candidates, zones__in=zone_ids)
        .values("pk")
        .annotate(shared=Count("zones"))
        .order_by(*order)
        .values("pk")[:count]
    )
    return (
        PolicyDocument.objects.published()
        .defer(*LISTING_DEFERRED)
        .filter(pk__in=ranked)
        .annotate(shared=Count("zones", filter=Q(zones__in=zone_ids)))
        .order_by(*order)
    )


INVERSE_RELATION = {
    RelationKind.IMPLEMENTS: gettext_lazy("is implemented by"),
    RelationKind.AMENDS: gettext_lazy("is amended by"),
    RelationKind.CITES: gettext_lazy("is cited by"),
}


class SearchView(TemplateView):
    """Zones, documents and directives that match a query, grouped by kind.

    Whatever is typed answers 200: over-long input is shortened, and input with nothing
    searchable gets a message rather than an error.
    """

    query_parameters = ("q",)

    template_name = "search.html"
    per_kind = 10

    def get_context_data(self, **kwargs):
        raw = self.request.GET.get("q", "")
        q = normalise_query(raw)
        context = super().get_context_data(
            q=q, shortened=len(" ".join(raw.split())) > MAX_QUERY_LENGTH, groups=[], **kwargs
        )
        if not q:
            return context
        query = search_query(q)
        if query is None:
            context["unsearchable"] = True
            return context

        zone_results = ZoneFilter({"q": q}, queryset=Zone.objects.published()).qs
        zones = list(zone_results.for_listing()[: self.per_kind])
        highlight(zones, q, {"name": True, "summary": False})

        document_results = PolicyFilter({"q": q}, queryset=PolicyDocument.objects.published()).qs
        documents = list(document_results.for_listing()[: self.per_kind])
        highlight(documents, q, {"title": True, "summary": False})

        directive_results = Directive.objects.published().filter(search_vector=query)
        directives = list(
            directive_results.for_listing().order_by(
                F("document__issued_on").desc(nulls_last=True), "document__slug", "position"
            )[: self.per_kind]
        )
        highlight(directives, q, {"text": False})

        context["groups"] = [
            search_group("zones", _("Zones"), zone_results, zones),
            search_group("documents", _("Policy documents"), document_results, documents),
            search_group("directives", _("Directives to zones"), directive_results, directives),
        ]
        context["total"] = sum(group["count"] for group in context["groups"])
        context["total_capped"] = any(group["capped"] for group in context["groups"])
        return context


def search_group(kind: str, title: str, matches, results: list) -> dict:
    """One kind of record in the search results: the first few, and how many match (counted
    up to ``COUNT_CAP``: "1000+")."""
    count, capped = capped_count(matches)
    return {
        "kind": kind,
        "title": title,
        "count": count,
        "capped": capped,
        "count_label": f"{count}+" if capped else str(count),
        "results": results,
    }
