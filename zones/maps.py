"""Zones as maps, timelines and charts show them: light rows, one colour per program, the
designations chart and the map's GeoJSON."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _

from core.charts import PALETTE, Series, stacked_bar_chart
from core.dates import PartialDate
from core.filters import chinese_active
from zones.geojson import places_collection

PLACEHOLDER = "zone-slug-placeholder"


def zone_page_url(zone) -> str:
    return zone.get_absolute_url()


# The fields of a zone that maps, timelines and charts show.
MAP_FIELDS = (
    "slug",
    "name_en",
    "name_zh_hans",
    "program_id",
    "batch_id",
    "batch__number",
    "province_id",
    "province__slug",
    "approved_on",
    "approved_on_precision",
    "latitude",
    "longitude",
)


class MapZone:
    """A zone as a map, a timeline or a chart shows it, read from one ``values()`` row.

    A page that shows every zone (the home page, a program) reads thousands: as model instances
    they cost a second to build, as rows a few milliseconds. ``program`` is the zone's program
    record, from the few the page has loaded anyway.
    """

    def __init__(self, row: dict, program, url_template: str):
        self.slug = row["slug"]
        self.name_en = row["name_en"]
        self.name_zh_hans = row["name_zh_hans"]
        self.program = program
        self.batch_id = row["batch_id"]
        self.batch = SimpleNamespace(number=row["batch__number"]) if self.batch_id else None
        self.province_id = row["province_id"]
        self.province = SimpleNamespace(slug=row["province__slug"])
        self.approved_on = row["approved_on"]
        self.approved = PartialDate(row["approved_on"], row["approved_on_precision"])
        self.latitude = row["latitude"]
        self.longitude = row["longitude"]
        self.url = url_template.replace(PLACEHOLDER, self.slug)

    @property
    def name(self) -> str:
        return (chinese_active() and self.name_zh_hans) or self.name_en

    def get_absolute_url(self) -> str:
        return self.url


def map_zones(queryset, programs) -> list[MapZone]:
    """The zones of ``queryset`` as ``MapZone`` rows, in its order; ``programs`` holds their
    programs (public zones belong to public programs)."""
    by_id = {program.pk: program for program in programs}
    url_template = reverse("zones:detail", kwargs={"slug": PLACEHOLDER})
    return [
        MapZone(row, by_id[row["program_id"]], url_template)
        for row in queryset.values(*MAP_FIELDS)
        if row["program_id"] in by_id
    ]


def zones_geojson(zones) -> dict:
    """The zones for a page's map: one marker per place, listing every zone there."""
    return places_collection(zones, html_url=zone_page_url)


def program_colours(programs) -> dict[str, str]:
    """One colour per program, stable by slug, shared by the map, its legend and the charts."""
    return {
        program.slug: PALETTE[index % len(PALETTE)]
        for index, program in enumerate(sorted(programs, key=lambda p: p.slug))
    }


def designations_chart(zones, programs, *, title: str):
    """Zones designated per year, stacked by program, from zones already loaded."""
    colours = program_colours(programs)
    counts: dict[str, dict[str, int]] = {program.slug: {} for program in programs}
    for zone in zones:
        if zone.approved_on is None or zone.program.slug not in counts:
            continue
        year = str(zone.approved_on.year)
        counts[zone.program.slug][year] = counts[zone.program.slug].get(year, 0) + 1
    years = sorted({year for values in counts.values() for year in values})
    series = [
        Series(program.short_name or program.name, colours[program.slug], counts[program.slug])
        for program in sorted(programs, key=lambda p: p.slug)
    ]
    return stacked_bar_chart(
        title=title,
        description=_("Zones by the year of their designation, one colour per program."),
        categories=years,
        series=series,
    )
