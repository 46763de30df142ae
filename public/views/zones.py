"""The zones side of the public site: the zones list and map, a zone, focus areas, programs."""

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.charts import PALETTE
from core.inline import Inline, inline
from core.models import Source
from policies.models import Directive, PolicyDocument
from public.views.pages import FilteredListView, by_name
from public.views.versions import AsOfMixin
from zones.filters import ZoneFilter
from zones.maps import designations_chart, program_colours, zones_geojson
from zones.models import Batch, FocusArea, Program, Zone


class ZoneListView(FilteredListView):
    """The zones, filtered; ``?view=map`` shows the same result on a map instead of in pages."""

    query_parameters = ("page", "view")

    filterset_class = ZoneFilter
    template_name = "zones/zone_list.html"
    paginate_by = 24

    @property
    def map_view(self) -> bool:
        return self.request.GET.get("view") == "map"

    def get_paginate_by(self, queryset):
        # The map shows every zone of the result; the list shows them a page at a time.
        return None if self.map_view else self.paginate_by

    def get_base_queryset(self):
        return Zone.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_view"] = self.map_view
        if self.map_view:
            zones = list(context["object_list"])
            programs = {zone.program.slug: zone.program for zone in zones}.values()
            context["zones_geojson"] = zones_geojson(zones)
            context["program_colours"] = program_colours(programs)
            context["map_programs"] = sorted(programs, key=lambda p: p.slug)
        return context


# How many directives and documents a zone's page lists before "and N more".
LATEST_ON_ZONE_PAGE = 20


def latest_on_zone_page() -> list[Inline]:
    """A zone's latest directives and documents, newest first (undated ones first), read
    with the zone: a zone may be named in thousands of documents."""
    names = ("slug", "name", "name_en", "name_zh_hans")
    document_fields = ("slug", "title", "title_en", "title_zh_hans", "doc_number")
    document_fields += ("issued_on", "issued_on_precision")
    return [
        Inline(
            "directives",
            Directive.objects.published().order_by(
                F("document__issued_on").desc(nulls_first=True), "-document__slug"
            ),
            ("text", "text_en", "text_zh_hans"),
            related={"document": document_fields},
            inlines=[Inline("focus_areas", FocusArea.objects.order_by("name_en"), names)],
            limit=LATEST_ON_ZONE_PAGE,
            to_attr="latest_directives",
        ),
        Inline(
            "documents",
            PolicyDocument.objects.published().order_by(
                F("issued_on").desc(nulls_first=True), "-slug"
            ),
            document_fields,
            limit=LATEST_ON_ZONE_PAGE,
            to_attr="latest_documents",
        ),
    ]


class ZoneDetailView(AsOfMixin, DetailView):
    """One zone. Subclassed by the admin's preview, which widens ``get_queryset``."""

    model = Zone
    # Built once and cloned for each request, as the document page's.
    queryset = inline(Zone.objects.published().for_detail(), *latest_on_zone_page())
    template_name = "zones/zone_detail.html"
    context_object_name = "zone"
    query_parameters = ("as_of",)

    def get_context_data(self, **kwargs):
        zone = self.object
        # Read newest first with the zone; listed oldest first.
        directives, documents = zone.latest_directives[::-1], zone.latest_documents[::-1]
        shared = zones_sharing_focus_areas(zone, [area.pk for area in zone.focus_areas.all()])
        namesakes = []
        if zone.city_en:
            namesakes = (
                Zone.objects.published()
                .filter(city_en__iexact=zone.city_en)
                .exclude(program=zone.program_id)
                .select_related("program")
                .order_by(*by_name())
            )
        namesakes = list(namesakes)
        shared = [other for other in shared if other not in namesakes]
        return super().get_context_data(
            directives=directives,
            more_directives=zone.directives.published().count() - len(directives),
            documents=documents,
            more_documents=zone.documents.published().count() - len(documents),
            namesakes=namesakes,
            related_zones=shared,
            zones_geojson=zones_geojson([zone]),
            program_colours={zone.program.slug: PALETTE[0]},
            feed_query=f"zone={zone.slug}",
            **kwargs,
        )


def zones_sharing_focus_areas(zone, focus_area_ids: list[int], count: int = 6):
    """Public zones that share the most of ``focus_area_ids`` with ``zone``, by name among
    equals: ranked by id and name alone (a thousand zones may share one), then only the few
    shown are read whole."""
    if not focus_area_ids:
        return []
    order = ("-shared_count", *by_name())
    ranked = (
        Zone.objects.published()
        .exclude(pk=zone.pk)
        .filter(focus_areas__in=focus_area_ids)
        .values("pk")
        .annotate(shared_count=Count("focus_areas"))
        .order_by(*order)
        .values("pk")[:count]
    )
    return (
        Zone.objects.filter(pk__in=ranked)
        .annotate(shared_count=Count("focus_areas", filter=Q(focus_areas__in=focus_area_ids)))
        .select_related("program")
        .order_by(*order)
    )


def counts_by_focus_area(queryset) -> dict[int, int]:
    """How many records of a queryset each focus area has, in one grouped query."""
    rows = (
        queryset.filter(focus_areas__isnull=False)
        .order_by()
        .values("focus_areas")
        .annotate(count=Count("pk"))
    )
    return {row["focus_areas"]: row["count"] for row in rows}


class FocusAreaListView(ListView):
    query_parameters = ()
    template_name = "zones/focusarea_list.html"
    context_object_name = "focus_areas"

    def get_queryset(self):
        documents = FocusArea._meta.get_field("documents").related_model
        zone_counts = counts_by_focus_area(Zone.objects.published())
        document_counts = counts_by_focus_area(documents.objects.published())
        # A focus area that only drafts mention stays out of public view.
        areas = list(
            FocusArea.objects.filter(pk__in={*zone_counts, *document_counts}).order_by(*by_name())
        )
        for area in areas:
            area.zone_count = zone_counts.get(area.pk, 0)
            area.document_count = document_counts.get(area.pk, 0)
        return areas


# How many zones, documents and directives a focus area's page lists before "and N more".
LATEST_ON_FOCUS_AREA_PAGE = 20


class FocusAreaDetailView(DetailView):
    query_parameters = ()
    template_name = "zones/focusarea_detail.html"
    context_object_name = "focus_area"
    queryset = FocusArea.objects.all()

    def get_context_data(self, **kwargs):
        area = self.object
        # The map shows every zone of the area; the cards, the first few by name.
        zones = Zone.objects.published().filter(focus_areas=area).order_by(*by_name())
        zone_cards = list(zones.for_listing()[:LATEST_ON_FOCUS_AREA_PAGE])
        zones = list(zones.select_related("program", "batch", "province"))
        # A focus area is named in tens of thousands of documents and directives: the page
        # shows the latest of each and how many more there are.
        documents = area.documents.published()
        document_count = documents.count()
        documents = list(
            documents.for_listing().order_by(F("issued_on").desc(nulls_last=True), "slug")[
                :LATEST_ON_FOCUS_AREA_PAGE
            ]
        )
        directives = area.directives.published()
        directive_count = directives.count()
        directives = list(
            directives.for_listing().order_by(
                F("document__issued_on").desc(nulls_last=True), "document__slug", "position"
            )[:LATEST_ON_FOCUS_AREA_PAGE]
        )
        programs = {zone.program.slug: zone.program for zone in zones}.values()
        return super().get_context_data(
            zones=zones,
            zone_cards=zone_cards,
            more_zones=len(zones) - len(zone_cards),
            documents=documents,
            more_documents=document_count - len(documents),
            directives=directives,
            more_directives=directive_count - len(directives),
            zones_geojson=zones_geojson(zones),
            program_colours=program_colours(programs),
            map_programs=sorted(programs, key=lambda p: p.slug),
            feed_query=f"focus_area={area.slug}",
            **kwargs,
        )


# How many of a program's documents its page lists before "and N more".
LATEST_ON_PROGRAM_PAGE = 20


class ProgramDetailView(DetailView):
    query_parameters = ()
    template_name = "zones/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return (
            Program.objects.published()
            .for_listing()
            .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("title")))
        )

    def get_context_data(self, **kwargs):
        program = self.object
        zones = list(
            Zone.objects.published()
            .filter(program=program)
            .for_listing()
            .order_by("batch__number", "approved_on", *by_name())
        )
        batches = Batch.objects.published().filter(program=program).order_by("number")
        zone_counts = {}
        for zone in zones:
            zone_counts[zone.batch_id] = zone_counts.get(zone.batch_id, 0) + 1
        batches = [(batch, zone_counts.get(batch.pk, 0)) for batch in batches]
        # A program is named in tens of thousands of documents: the page shows the latest ones,
        # how many there are, and a link to all of them.
        documents = program.documents.published()
        document_count = documents.count()
        latest = list(
            documents.for_listing().order_by(F("issued_on").desc(nulls_last=True), "slug")[
                :LATEST_ON_PROGRAM_PAGE
            ]
        )
        return super().get_context_data(
            zones=zones,
            batches=batches,
            documents=latest,
            document_count=document_count,
            more_documents=document_count - len(latest),
            zones_geojson=zones_geojson(zones),
            program_colours=program_colours([program]),
            chart=designations_chart(
                zones, [program], title=_("Zones designated each year in this program")
            ),
            feed_query=f"program={program.slug}",
            **kwargs,
        )
