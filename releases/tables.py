"""The tables of a data release: which public records each holds, its columns and their meaning.

The columns of the records' tables are the records' flat tables (``zones.columns``,
``policies.columns``), which the API's CSV also writes, with the counts it adds left out (a
count is a query over the release, not a fact of it);
the link tables spell out, one pair a row, what the records' list columns hold. Every row comes
from a ``published()`` QuerySet, so a draft never reaches a release.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet, Value

from api.zones import KEY_SEPARATOR
from core.columns import Column
from core.dates import DatePrecision
from policies.columns import DIRECTIVE_COLUMNS, POLICY_COLUMNS
from policies.models import (
    Directive,
    DocumentRelation,
    DocumentType,
    PolicyDocument,
    Principle,
    RelationKind,
    Validity,
)
from zones.columns import (
    AUTHORITY_COLUMNS,
    BATCH_COLUMNS,
    FOCUS_AREA_COLUMNS,
    PROGRAM_COLUMNS,
    PROVINCE_COLUMNS,
    REGION_COLUMNS,
    ZONE_COLUMNS,
)
from zones.models import Authority, Batch, FocusArea, Program, Province, Region, Zone

LANGUAGE_SUFFIXES = {"_en": "English", "_zh_hans": "Chinese"}
LIST_SEPARATOR = "; "
SUPERSEDES = "supersedes"


@dataclass(frozen=True)
class Table:
    """One table of the package: a CSV file, a resource of ``datapackage.json``, a list in the
    JSON dump."""

    name: str
    title: str
    description: str
    columns: list[Column]
    # The public records, ordered by the primary key: a QuerySet of the records when every
    # column has a source, else the rows themselves as tuples.
    rows: Callable[[], QuerySet | list[tuple]]
    primary_key: list[str]
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    # For the release notes: a record's key and title columns (None: not a record of its own),
    # or the column naming the record a row belongs to, whose change it then is.
    key: Callable[[dict], str] | None = None
    label: Callable[[dict], tuple[str, str]] = lambda row: (row["name_en"], row["name_zh_hans"])
    part_of: tuple[str, str] | None = None  # (table, column)
    # Descriptions of this table's columns where the shared ones (DESCRIPTIONS) do not fit.
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def columns(*pairs: tuple[str, object]) -> list[Column]:
    return [Column(header, source) for header, source in pairs]


def by_slug(row: dict) -> str:
    return row["slug"]


def links(queryset, owner_path: str, other_path: str):
    """A link table's rows: one (owner slug, other slug) pair a row."""
    return lambda: queryset().values_list(owner_path, other_path).order_by(owner_path, other_path)


def relations():
    """Implements, amends and cites, and the supersession kept on the superseded document."""
    public = PolicyDocument.objects.published()
    stated = DocumentRelation.objects.published().values_list(
        "from_document__slug", "kind", "to_document__slug", "note"
    )
    superseded = (
        public.filter(superseded_by__in=PolicyDocument.objects.published())
        .annotate(kind=Value(SUPERSEDES), note=Value(""))
        .values_list("superseded_by__slug", "kind", "slug", "note")
    )
    return sorted([*stated, *superseded])


def public_batches():
    return Batch.objects.published().filter(program__in=Program.objects.published())


def public_documents():
    return PolicyDocument.objects.published()


def public_directives():
    return Directive.objects.published()


TABLES = [
    Table(
        "regions",
        "Economic regions",
        "Economic regions that group provinces (Yangtze River Delta, …).",
        REGION_COLUMNS,
        lambda: Region.objects.order_by("slug"),
        ["slug"],
    ),
    Table(
        "provinces",
        "Provinces",
        "Provinces, municipalities and autonomous regions.",
        PROVINCE_COLUMNS,
        lambda: Province.objects.order_by("slug"),
        ["slug"],
        [(["region"], "regions", ["slug"])],
    ),
    Table(
        "authorities",
        "Authorities",
        "Bodies that issue documents or run a program, with their level of government.",
        AUTHORITY_COLUMNS,
        lambda: Authority.objects.order_by("slug"),
        ["slug"],
        [(["province"], "provinces", ["slug"])],
        key=by_slug,
    ),
    Table(
        "focus_areas",
        "Focus areas",
        "Application fields and industries, shared by zones, documents and directives.",
        FOCUS_AREA_COLUMNS,
        lambda: FocusArea.objects.order_by("slug"),
        ["slug"],
        key=by_slug,
    ),
    Table(
        "programs",
        "Programs",
        "National designation schemes, each run by one authority.",
        PROGRAM_COLUMNS,
        lambda: Program.objects.published().order_by("slug"),
        ["slug"],
        [(["authority"], "authorities", ["slug"])],
        key=by_slug,
    ),
    Table(
        "batches",
        "Batches",
        "The announcement rounds of a program.",
        BATCH_COLUMNS,
        lambda: public_batches().order_by("program__slug", "number"),
        ["program", "number"],
        [(["program"], "programs", ["slug"])],
        key=lambda row: f"{row['program']}{KEY_SEPARATOR}{row['number']}",
        label=lambda row: (
            f"{row['program']} batch {row['number']}",
            f"{row['program']} 第{row['number']}批",
        ),
        descriptions={"note": "What the batch contained."},
    ),
    Table(
        "zones",
        "Zones",
        "Designated areas, one per program: a city can hold a zone in each program.",
        ZONE_COLUMNS,
        lambda: Zone.objects.published().order_by("slug"),
        ["slug"],
        [
            (["program"], "programs", ["slug"]),
            (["province"], "provinces", ["slug"]),
            (["region"], "regions", ["slug"]),
        ],
        key=by_slug,
    ),
    Table(
        "policy_documents",
        "Policy documents",
        "Plans, guidelines, notices and letters that create and steer the zones.",
        [
            *POLICY_COLUMNS,
            Column("body_en", "body_en"),
            Column("body_zh_hans", "body_zh_hans"),
        ],
        lambda: public_documents().order_by("slug"),
        ["slug"],
        key=by_slug,
        label=lambda row: (row["title_en"], row["title_zh_hans"]),
    ),
    Table(
        "principles",
        "Principles",
        "The principles a document sets out, in the document's order.",
        columns(
            ("document", "document__slug"),
            ("position", "position"),
            ("text_en", "text_en"),
            ("text_zh_hans", "text_zh_hans"),
        ),
        lambda: Principle.objects.published().order_by("document__slug", "position"),
        ["document", "position"],
        [(["document"], "policy_documents", ["slug"])],
        part_of=("policy_documents", "document"),
    ),
    Table(
        "directives",
        "Directives",
        "What one document asks of one zone: in a batch notice, one paragraph per zone.",
        DIRECTIVE_COLUMNS,
        lambda: public_directives().order_by("document__slug", "zone__slug"),
        ["document", "zone"],
        [(["document"], "policy_documents", ["slug"]), (["zone"], "zones", ["slug"])],
        part_of=("policy_documents", "document"),
    ),
    Table(
        "document_relations",
        "Relations between documents",
        "One document implements, amends, cites or supersedes another.",
        columns(
            ("from_document", None),
            ("kind", None),
            ("to_document", None),
            ("note", None),
        ),
        relations,
        ["from_document", "kind", "to_document"],
        [
            (["from_document"], "policy_documents", ["slug"]),
            (["to_document"], "policy_documents", ["slug"]),
        ],
        part_of=("policy_documents", "from_document"),
        descriptions={"note": "A note on the relation."},
    ),
    Table(
        "zone_focus_areas",
        "Focus areas of zones",
        "Which focus areas each zone is tagged with: one pair a row.",
        columns(("zone", None), ("focus_area", None)),
        links(
            lambda: Zone.focus_areas.through.objects.filter(zone__in=Zone.objects.published()),
            "zone__slug",
            "focusarea__slug",
        ),
        ["zone", "focus_area"],
        [(["zone"], "zones", ["slug"]), (["focus_area"], "focus_areas", ["slug"])],
    ),
    *[
        Table(
            f"document_{plural}",
            title,
            f"Which {what} each document concerns: one pair a row.",
            columns(("document", None), (singular, None)),
            links(
                lambda through=through, target=target, queryset=queryset: through.objects.filter(
                    policydocument__in=public_documents(),
                    **{f"{target}__in": queryset()},
                ),
                "policydocument__slug",
                f"{target}__slug",
            ),
            ["document", singular],
            [(["document"], "policy_documents", ["slug"]), ([singular], plural, ["slug"])],
        )
        for plural, singular, title, what, through, target, queryset in (
            (
                "authorities",
                "authority",
                "Issuing authorities of documents",
                "authorities issued",
                PolicyDocument.authorities.through,
                "authority",
                Authority.objects.all,
            ),
            (
                "programs",
                "program",
                "Programs of documents",
                "programs",
                PolicyDocument.programs.through,
                "program",
                Program.objects.published,
            ),
            (
                "zones",
                "zone",
                "Zones of documents",
                "zones",
                PolicyDocument.zones.through,
                "zone",
                Zone.objects.published,
            ),
            (
                "focus_areas",
                "focus_area",
                "Focus areas of documents",
                "focus areas",
                PolicyDocument.focus_areas.through,
                "focusarea",
                FocusArea.objects.all,
            ),
        )
    ],
    Table(
        "directive_focus_areas",
        "Focus areas of directives",
        "Which focus areas each directive concerns: one row per directive and focus area.",
        columns(("document", None), ("zone", None), ("focus_area", None)),
        lambda: (
            Directive.focus_areas.through.objects.filter(directive__in=public_directives())
            .values_list("directive__document__slug", "directive__zone__slug", "focusarea__slug")
            .order_by("directive__document__slug", "directive__zone__slug", "focusarea__slug")
        ),
        ["document", "zone", "focus_area"],
        [
            (["document", "zone"], "directives", ["document", "zone"]),
            (["focus_area"], "focus_areas", ["slug"]),
        ],
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}


def table_rows(table: Table) -> Iterable[tuple]:
    """The table's rows as tuples of database values, in column order."""
    found = table.rows()
    if all(column.source is not None for column in table.columns):
        sources = [
            F(column.source) if isinstance(column.source, str) else column.source
            for column in table.columns
        ]
        found = found.prefetch_related(None).values_list(*sources)
    return found


# -- the data dictionary ---------------------------------------------------------------------

PARTIAL_DATE = (
    "ISO 8601 at the precision the source gives: 2019-08-17, 2019-08 (month only) or 2019 "
    "(year only); empty if not known."
)
LIST = f"separated by '{LIST_SEPARATOR}'"
# What each column means; a language suffix (_en, _zh_hans) adds the language.
DESCRIPTIONS = {
    "slug": "The record's stable key, as in the site's and the API's addresses.",
    "name": "The name.",
    "title": "The full official title.",
    "short_name": "A short name for tight spaces.",
    "description": "What the focus area covers.",
    "summary": "A short paraphrase.",
    "text": "The text.",
    "body": "The document's text, in Markdown.",
    "abbreviation": "The usual abbreviation, e.g. MIIT.",
    "level": "The level of government the body belongs to.",
    "website": "The body's website.",
    "region": "The economic region's slug (regions table).",
    "province": "The province's slug (provinces table).",
    "program": "The program's slug (programs table).",
    "authority": "The authority's slug (authorities table).",
    "document": "The policy document's slug (policy_documents table).",
    "zone": "The zone's slug (zones table).",
    "focus_area": "The focus area's slug (focus_areas table).",
    "from_document": "The slug of the document that implements, amends, cites or supersedes.",
    "to_document": "The slug of the document it implements, amends, cites or supersedes.",
    "kind": "How the first document relates to the second.",
    "number": "The batch number: 1 for the first batch of the program, 2 for the second, ….",
    "batch": "The number of the program's batch that designated the zone (batches table).",
    "position": "Where the paragraph stands in the document: 1 for the first.",
    "city": "The city or district.",
    "approved_on": f"When the zone was designated. {PARTIAL_DATE}",
    "announced_on": f"When the batch was announced. {PARTIAL_DATE}",
    "written_on": f"成文日期, the date the document bears. {PARTIAL_DATE}",
    "issued_on": f"发布日期, when the document was made public. {PARTIAL_DATE}",
    "latitude": "An approximate centre of the zone, in degrees north (WGS 84).",
    "longitude": "An approximate centre of the zone, in degrees east (WGS 84).",
    "doc_number": "发文字号, the document number, e.g. 国发〔2017〕35号; empty if it has none "
    "or none is known.",
    "doc_number_unknown": "True when the sources do not give the document's number; an empty "
    "number that is not unknown means the document has none.",
    "doc_type": "The kind of document.",
    "validity": "Whether the document is in force, amended, repealed or expired.",
    "source_url": "Where the issuer published the document.",
    "updated_at": "When the record last changed in the register (UTC, ISO 8601).",
    "focus_areas": f"The slugs of the focus areas, {LIST}.",
    "authorities": f"The slugs of the issuing authorities, {LIST}.",
    "programs": f"The slugs of the programs concerned, {LIST}.",
    "zones": f"The slugs of the zones concerned, {LIST}.",
}
PRECISION = "How precise the date in the column before is: day, month or year."
SUFFIX = re.compile(r"^(?P<base>.+?)(?P<suffix>_en|_zh_hans)$")
RELATED_NAME = re.compile(r"^(?P<relation>.+)_(?:name|title)$")

ENUMS = {
    "level": Authority.Level.values,
    "doc_type": DocumentType.values,
    "validity": Validity.values,
    "kind": [*RelationKind.values, SUPERSEDES],
}
INTEGERS = {"number", "batch", "position"}
NUMBERS = {"latitude", "longitude"}


def is_partial_date(header: str, headers: list[str]) -> bool:
    return f"{header}_precision" in headers


def describe(header: str, table: Table) -> str:
    """The description of a column, from its name and the table's other columns."""
    headers = table.headers
    known = {**DESCRIPTIONS, **table.descriptions}
    if header.endswith("_precision"):
        return PRECISION
    match = SUFFIX.match(header)
    if match is None:
        return known[header]
    base, language = match["base"], LANGUAGE_SUFFIXES[match["suffix"]]
    if base in headers and base in DESCRIPTIONS and LIST in DESCRIPTIONS[base]:
        return f"The names of the {base.replace('_', ' ')}, in {language}, {LIST}."
    related = RELATED_NAME.match(base)
    if related and related["relation"] in headers:
        kind = "title" if base.endswith("_title") else "name"
        return f"The {related['relation'].replace('_', ' ')}'s {kind}, in {language}."
    return f"{known[base]} In {language}."


def field_schema(header: str, table: Table) -> dict:
    """A Frictionless Table Schema field for one column."""
    headers = table.headers
    schema = {"name": header, "description": describe(header, table), "type": "string"}
    if header in INTEGERS:
        schema["type"] = "integer"
    elif header in NUMBERS:
        schema["type"] = "number"
    elif header == "updated_at":
        schema["type"] = "datetime"
    elif is_partial_date(header, headers):
        schema["constraints"] = {"pattern": r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}
    elif header.endswith("_precision"):
        schema["constraints"] = {"enum": list(DatePrecision.values)}
    elif header in ENUMS:
        schema["constraints"] = {"enum": list(ENUMS[header])}
    return schema


def table_schema(table: Table) -> dict:
    schema = {
        "fields": [field_schema(header, table) for header in table.headers],
        "primaryKey": table.primary_key,
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": own, "reference": {"resource": resource, "fields": theirs}}
            for own, resource, theirs in table.foreign_keys
        ]
    return schema


def fingerprint_columns(table: Table) -> list[str]:
    """The columns whose change is a change of the record: not the names of related records
    (a renamed focus area is one change, not one per zone) and not ``updated_at``."""
    headers = table.headers
    own = []
    for header in headers:
        match = SUFFIX.match(header)
        base = match["base"] if match else None
        related = RELATED_NAME.match(base) if base else None
        if header == "updated_at" or (base in headers) or (related and related[1] in headers):
            continue
        own.append(header)
    return own
