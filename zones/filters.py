"""The zones list's filters: one FilterSet for the page, the API, the CSV and the map data."""

from django.utils.translation import gettext_lazy as _

from core.dates import newest_first, oldest_first
from core.filters import (
    Facet,
    FacetedFilterSet,
    MultipleIntegerFilter,
    Ordering,
    OrderingChoiceFilter,
    SearchFilter,
    SlugsFilter,
    name_ordering,
)
from zones.models import FocusArea, Program, Province, Region, Zone

ZONE_ORDERINGS = {
    "name": name_ordering(_("Name (A–Z)"), "name_en", "name_pinyin"),
    "-name": name_ordering(_("Name (Z–A)"), "name_en", "name_pinyin", descending=True),
    "approved_on": Ordering(_("Approved, oldest first"), english=oldest_first("approved_on")),
    "-approved_on": Ordering(_("Approved, newest first"), english=newest_first("approved_on")),
    "relevance": Ordering(_("Best match"), relevance=True),
}


def batch_label(number, program: str = "") -> str:
    """A batch named with its program ("MIIT batch 2"): each program numbers its own."""
    if not program:
        return str(_("Batch %(number)s") % {"number": number})
    return str(_("%(program)s batch %(number)s") % {"program": program, "number": number})


class ZoneFilter(FacetedFilterSet):
    q = SearchFilter(also_contains=("name_en", "name_zh_hans", "slug"))
    program = SlugsFilter(queryset=Program.objects.published(), label=_("Program"))
    batch = MultipleIntegerFilter(field_name="batch__number", label=_("Batch"))
    province = SlugsFilter(queryset=Province.objects.all(), label=_("Province"))
    region = SlugsFilter(
        field_name="province__region", queryset=Region.objects.all(), label=_("Economic region")
    )
    focus_area = SlugsFilter(
        field_name="focus_areas", queryset=FocusArea.objects.all(), label=_("Focus area")
    )
    ordering = OrderingChoiceFilter(orderings=ZONE_ORDERINGS, default="name", tiebreak="slug")

    facets = {
        "program": Facet(
            "program__slug", "program__name_en", "program__name_zh_hans", "program__name_pinyin"
        ),
        "batch": Facet(
            "batch__number",
            # "MIIT batch 2" in English; in Chinese the program's short name, 工信部先导区第2批.
            "batch__program__authority__abbreviation",
            "batch__program__short_name_zh_hans",
            label_format=batch_label,
        ),
        "province": Facet(
            "province__slug", "province__name_en", "province__name_zh_hans", "province__name_pinyin"
        ),
        "region": Facet(
            "province__region__slug",
            "province__region__name_en",
            "province__region__name_zh_hans",
            "province__region__name_pinyin",
        ),
        "focus_area": Facet(
            "focus_areas__slug",
            "focus_areas__name_en",
            "focus_areas__name_zh_hans",
            "focus_areas__name_pinyin",
        ),
    }

    class Meta:
        model = Zone
        fields = ["q", "program", "batch", "province", "region", "focus_area", "ordering"]
