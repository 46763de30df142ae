"""The flat tables of policy documents and directives: one definition for the API's CSV, the
data releases and the newsroom's spreadsheets."""

from core.columns import Column, fields, partial_date, related, related_list
from zones.models import Authority, FocusArea, Program, Zone

POLICY_COLUMNS = [
    *fields("slug", "title_en", "title_zh_hans", "doc_number", "doc_number_unknown", "doc_type"),
    *related_list("authorities", Authority.objects.all(), "documents"),
    *partial_date("written_on"),
    *partial_date("issued_on"),
    Column("validity", "validity"),
    *related_list("programs", Program.objects.published(), "documents"),
    *related_list("zones", Zone.objects.published(), "documents"),
    *related_list("focus_areas", FocusArea.objects.all(), "documents"),
    *fields("summary_en", "summary_zh_hans", "source_url", "updated_at"),
]

DIRECTIVE_COLUMNS = [
    Column("document", "document__slug"),
    Column("document_title_en", "document__title_en"),
    Column("document_title_zh_hans", "document__title_zh_hans"),
    *related("zone"),
    Column("program", "zone__program__slug"),
    *fields("position", "text_en", "text_zh_hans"),
    *related_list("focus_areas", FocusArea.objects.all(), "directives"),
]

# The fields of a document that editors write, in the order the API and spreadsheets take them
# (related records by their slugs, a batch by its key).
DOCUMENT_FIELDS = (
    "slug",
    "title_en",
    "title_zh_hans",
    "doc_number",
    "doc_number_unknown",
    "doc_type",
    "authorities",
    "written_on",
    "issued_on",
    "validity",
    "superseded_by",
    "summary_en",
    "summary_zh_hans",
    "body_en",
    "body_zh_hans",
    "source_url",
    "batch",
    "programs",
    "zones",
    "focus_areas",
)
