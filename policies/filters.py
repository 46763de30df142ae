"""The policies list's filters: one FilterSet for the page, the API, the CSV and the feed."""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import newest_first, oldest_first, overlapping_from, period_counts
from core.filters import (
    Facet,
    FacetedFilterSet,
    MultipleChoicesFilter,
    Ordering,
    OrderingChoiceFilter,
    SearchFilter,
    SlugsFilter,
    name_ordering,
)
from policies.models import Directive, DocumentType, PolicyDocument, Validity
from zones.models import Authority, FocusArea, Program, Zone

POLICY_ORDERINGS = {
    "-issued_on": Ordering(_("Newest first"), english=newest_first("issued_on")),
    "issued_on": Ordering(_("Oldest first"), english=oldest_first("issued_on")),
    "title": name_ordering(_("Title (A–Z)"), "title_en", "name_pinyin"),
    "-title": name_ordering(_("Title (Z–A)"), "title_en", "name_pinyin", descending=True),
    "relevance": Ordering(_("Best match"), relevance=True),
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDateField(forms.DateField):
    """Dates as ISO 8601 only (2021-02-19), the years PostgreSQL and Python both accept."""

    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        # strptime also takes 2021-2-9; the API's schema promises exactly YYYY-MM-DD.
        if isinstance(value, str) and value and not ISO_DATE.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class PeriodFromFilter(IsoDateFilter):
    """On or after a date, where a date known only to the month or the year counts when its
    period overlaps the range ("on or before" needs no such care: a period is stored as its
    first day)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(overlapping_from(self.field_name, value))


class PolicyFilter(FacetedFilterSet):
    q = SearchFilter(also_contains=("doc_number",))
    authority = SlugsFilter(
        field_name="authorities", queryset=Authority.objects.all(), label=_("Issuing authority")
    )
    doc_type = MultipleChoicesFilter(choices=DocumentType.choices, label=_("Type"))
    zone = SlugsFilter(field_name="zones", queryset=Zone.objects.published(), label=_("Zone"))
    focus_area = SlugsFilter(
        field_name="focus_areas", queryset=FocusArea.objects.all(), label=_("Focus area")
    )
    program = SlugsFilter(
        field_name="programs", queryset=Program.objects.published(), label=_("Program")
    )
    issued_after = PeriodFromFilter(field_name="issued_on", label=_("Published on or after"))
    issued_before = IsoDateFilter(
        field_name="issued_on", lookup_expr="lte", label=_("Published on or before")
    )
    validity = MultipleChoicesFilter(choices=Validity.choices, label=_("Validity"))
    ordering = OrderingChoiceFilter(
        orderings=POLICY_ORDERINGS, default="-issued_on", tiebreak="slug"
    )

    facets = {
        "authority": Facet(
            "authorities__slug",
            "authorities__name_en",
            "authorities__name_zh_hans",
            "authorities__name_pinyin",
            count_by_id=True,
        ),
        "doc_type": Facet("doc_type", choices=dict(DocumentType.choices)),
        "zone": Facet(
            "zones__slug",
            "zones__name_en",
            "zones__name_zh_hans",
            "zones__name_pinyin",
            qualifier_en="zones__program__short_name_en",
            qualifier_zh="zones__program__short_name_zh_hans",
            restrict=lambda: Q(zones__in=Zone.objects.published().values("pk")),
            count_by_id=True,
        ),
        "focus_area": Facet(
            "focus_areas__slug",
            "focus_areas__name_en",
            "focus_areas__name_zh_hans",
            "focus_areas__name_pinyin",
            count_by_id=True,
        ),
        "program": Facet(
            "programs__slug",
            "programs__name_en",
            "programs__name_zh_hans",
            "programs__name_pinyin",
            restrict=lambda: Q(programs__in=Program.objects.published().values("pk")),
            count_by_id=True,
        ),
        "validity": Facet("validity", choices=dict(Validity.choices)),
    }

    def issued_counts(self, bucket: str = "year") -> list[tuple[str, int]]:
        """How many documents were published in each year, or each month where the month is
        known (``core.dates.period_counts``), under every filter but the date range: like a
        facet's, a period's count is what choosing it would give."""
        if self.is_bound and not self.is_valid():
            return []
        queryset = self.facet_queryset("issued_after", "issued_before")
        return period_counts(queryset, "issued_on", bucket)

    class Meta:
        model = PolicyDocument
        fields = [
            "q",
            "authority",
            "doc_type",
            "zone",
            "focus_area",
            "program",
            "issued_after",
            "issued_before",
            "validity",
            "ordering",
        ]


class DirectiveFilter(django_filters.FilterSet):
    """What documents ask of zones: by zone, document, focus area, program, or words."""

    q = SearchFilter(also_contains=("zone__name_en", "zone__name_zh_hans"))
    zone = SlugsFilter(queryset=Zone.objects.published(), label=_("Zone"))
    document = SlugsFilter(queryset=PolicyDocument.objects.published(), label=_("Document"))
    focus_area = SlugsFilter(
        field_name="focus_areas", queryset=FocusArea.objects.all(), label=_("Focus area")
    )
    program = SlugsFilter(
        field_name="zone__program", queryset=Program.objects.published(), label=_("Program")
    )

    class Meta:
        model = Directive
        fields = ["q", "zone", "document", "focus_area", "program"]
