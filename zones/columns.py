"""The flat tables of the zones app's records: one definition for the API's CSV, the data
releases and the newsroom's spreadsheets. Counts derived from other tables are the API's own."""

from core.columns import Column, fields, partial_date, related, related_list
from zones.models import FocusArea

REGION_COLUMNS = fields("slug", "name_en", "name_zh_hans")

PROVINCE_COLUMNS = [*fields("slug", "name_en", "name_zh_hans"), *related("region")]

AUTHORITY_COLUMNS = [
    *fields("slug", "name_en", "name_zh_hans", "abbreviation", "level"),
    Column("province", "province__slug"),
    Column("website", "url"),
]

FOCUS_AREA_COLUMNS = fields(
    "slug", "name_en", "name_zh_hans", "description_en", "description_zh_hans"
)

PROGRAM_COLUMNS = [
    *fields("slug", "name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans"),
    *related("authority"),
]

BATCH_COLUMNS = [
    Column("program", "program__slug"),
    Column("number", "number"),
    *partial_date("announced_on"),
    *fields("note_en", "note_zh_hans"),
]

ZONE_COLUMNS = [
    *fields("slug", "name_en", "name_zh_hans"),
    *related("program"),
    Column("batch", "batch__number"),
    *related("province"),
    *related("region", "province__region"),
    *fields("city_en", "city_zh_hans"),
    *partial_date("approved_on"),
    *fields("latitude", "longitude"),
    *related_list("focus_areas", FocusArea.objects.all(), "zones"),
    *fields("summary_en", "summary_zh_hans", "updated_at"),
]

# The fields of a zone that editors write, in the order the API and spreadsheets take them
# (a related record by its slug, a batch by its number).
ZONE_FIELDS = (
    "slug",
    "name_en",
    "name_zh_hans",
    "program",
    "batch",
    "province",
    "city_en",
    "city_zh_hans",
    "approved_on",
    "latitude",
    "longitude",
    "focus_areas",
    "summary_en",
    "summary_zh_hans",
)
