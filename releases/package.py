"""A release's files, built in memory from the public register: a Frictionless data package.

``datapackage.json`` describes every table (a Table Schema with a description of each column)
and carries each file's SHA-256 and size; each table is a CSV file with English and Chinese
columns side by side; ``data.json`` holds the same tables as JSON; ``release-notes.md`` says what
was added, changed and withdrawn since the previous release; ``SHA256SUMS`` lists the checksum of
every file in the format ``sha256sum --check`` reads; the zip holds them all.
"""

import datetime
import decimal
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from api.renderers import csv_lines
from core.dates import PartialDate
from releases.tables import (
    TABLES,
    Table,
    fingerprint_columns,
    is_partial_date,
    table_rows,
    table_schema,
)

PACKAGE_NAME = "ai-pilot-zones"
PACKAGE_TITLE = "AI Pilot Zones: China's national AI pilot zones and their policy documents"
CSV_TYPE = "text/csv"
JSON_TYPE = "application/json"
MARKDOWN_TYPE = "text/markdown"
TEXT_TYPE = "text/plain"
ZIP_TYPE = "application/zip"
CHANGE_KINDS = ("added", "changed", "withdrawn")


@dataclass(frozen=True)
class PackageFile:
    name: str
    content: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def iso_timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_value(value):
    """A database value as the JSON dump holds it (and the CSV writes it)."""
    if isinstance(value, datetime.datetime):
        return iso_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value if item not in (None, "")]
    return value


def read_table(table: Table) -> list[dict]:
    """The table's public rows as dicts, dates at the precision their sources give."""
    headers = table.headers
    partial = [
        (header, f"{header}_precision") for header in headers if is_partial_date(header, headers)
    ]
    rows = []
    for values in table_rows(table):
        row = dict(zip(headers, values, strict=True))
        for header, precision in partial:
            # Columns shared with the API's CSV come written at their precision already.
            if not isinstance(row[header], str):
                row[header] = PartialDate(row[header], row[precision]).iso or None
        rows.append({header: json_value(value) for header, value in row.items()})
    return rows


def csv_content(table: Table, rows: list[dict]) -> bytes:
    """The table as the API writes CSV: UTF-8 with a byte-order mark (for Excel), lists joined."""
    lines = csv_lines(table.headers, ([row[name] for name in table.headers] for row in rows))
    return "".join(lines).encode("utf-8")


def read_register() -> dict[str, list[dict]]:
    return {table.name: read_table(table) for table in TABLES}


# -- what changed since the previous release -------------------------------------------------


def fingerprints(data: dict[str, list[dict]]) -> dict[str, dict[str, list[str]]]:
    """Per table of records, each record's key → [hash of its content, title en, title zh].

    A record's content is its own columns and the rows of the tables that are part of it (a
    document's principles, directives and relations)."""
    parts: dict[tuple[str, str], list] = {}
    for table in TABLES:
        if table.part_of is None:
            continue
        parent, column = table.part_of
        own = fingerprint_columns(table)
        for row in data[table.name]:
            parts.setdefault((parent, row[column]), []).append(
                [table.name, [row[name] for name in own]]
            )
    found = {}
    for table in TABLES:
        if table.key is None:
            continue
        own = fingerprint_columns(table)
        records = {}
        for row in data[table.name]:
            key = table.key(row)
            content = [[row[name] for name in own], parts.get((table.name, key), [])]
            digest = hashlib.sha256(
                json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
            ).hexdigest()
            records[key] = [digest, *table.label(row)]
        found[table.name] = records
    return found


def changes_between(previous: dict, current: dict) -> dict[str, list[dict]]:
    """Records added, changed and withdrawn (no longer public), per table, sorted by key."""
    changes = {kind: [] for kind in CHANGE_KINDS}
    for table in TABLES:
        if table.key is None:
            continue
        before = previous.get(table.name, {})
        now = current.get(table.name, {})
        for key in sorted(now.keys() | before.keys()):
            if key not in before:
                kind, (_digest, title_en, title_zh) = "added", now[key]
            elif key not in now:
                kind, (_digest, title_en, title_zh) = "withdrawn", before[key]
            elif now[key][0] != before[key][0]:
                kind, (_digest, title_en, title_zh) = "changed", now[key]
            else:
                continue
            changes[kind].append(
                {"table": table.name, "key": key, "title_en": title_en, "title_zh_hans": title_zh}
            )
    return changes


def release_notes(*, version, cut_at, note, previous_version, changes, counts) -> str:
    lines = [f"# {PACKAGE_TITLE}", "", f"Release {version}, {iso_timestamp(cut_at)}", ""]
    if note:
        lines += [note.strip(), ""]
    lines += ["## Records", ""]
    lines += [f"- {name}: {counts[name]}" for name in counts]
    since = f"since release {previous_version}" if previous_version else "(the first release)"
    for kind in CHANGE_KINDS:
        lines += ["", f"## {kind.capitalize()} {since}", ""]
        items = changes[kind]
        lines += [
            f"- {item['table']} `{item['key']}`: {item['title_en']} / {item['title_zh_hans']}"
            for item in items
        ] or ["None."]
    return "\n".join(lines) + "\n"


# -- the package -----------------------------------------------------------------------------


def datapackage(*, version: str, cut_at, tables: dict[str, PackageFile], dump: PackageFile):
    resources = [
        {
            "name": table.name,
            "title": table.title,
            "description": table.description,
            "path": tables[table.name].name,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": CSV_TYPE,
            "encoding": "utf-8",
            "bytes": len(tables[table.name].content),
            "hash": f"sha256:{tables[table.name].sha256}",
            "schema": table_schema(table),
        }
        for table in TABLES
    ]
    resources.append(
        {
            "name": "data",
            "title": "All tables as JSON",
            "description": (
                "Every table of the package as a list of objects under its name: the same rows "
                "and columns as the CSV files, with lists as JSON arrays and numbers as numbers."
            ),
            "path": dump.name,
            "format": "json",
            "mediatype": JSON_TYPE,
            "encoding": "utf-8",
            "bytes": len(dump.content),
            "hash": f"sha256:{dump.sha256}",
        }
    )
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": (
            "The public record of China's national AI pilot zones (MIIT's National AI Innovation "
            "and Application Pilot Zones and MOST's National New Generation AI Innovation and "
            "Development Pilot Zones), their batches, focus areas, issuing authorities, the "
            "policy documents that create and steer them and what each document asks of each "
            "zone, in English and Chinese. Only published records are included."
        ),
        "version": version,
        "created": iso_timestamp(cut_at),
        "resources": resources,
    }


def json_file(name: str, content) -> PackageFile:
    text = json.dumps(content, ensure_ascii=False, indent=2) + "\n"
    return PackageFile(name, text.encode("utf-8"), JSON_TYPE)


def build_package(
    *, version: str, cut_at, note: str, data, changes, previous_version
) -> list[PackageFile]:
    """Every file of the release, the zip last; the zip holds the others in a folder."""
    tables = {
        table.name: PackageFile(f"{table.name}.csv", csv_content(table, data[table.name]), CSV_TYPE)
        for table in TABLES
    }
    dump = json_file("data.json", {"name": PACKAGE_NAME, "version": version, **data})
    descriptor = json_file(
        "datapackage.json",
        datapackage(version=version, cut_at=cut_at, tables=tables, dump=dump),
    )
    notes = release_notes(
        version=version,
        cut_at=cut_at,
        note=note,
        previous_version=previous_version,
        changes=changes,
        counts={name: len(rows) for name, rows in data.items()},
    )
    files = [
        descriptor,
        PackageFile("release-notes.md", notes.encode("utf-8"), MARKDOWN_TYPE),
        *tables.values(),
        dump,
    ]
    sums = "".join(f"{file.sha256}  {file.name}\n" for file in files)
    files.append(PackageFile("SHA256SUMS", sums.encode("ascii"), TEXT_TYPE))
    archive = zipped(version, cut_at, files)
    files.append(PackageFile(f"{PACKAGE_NAME}-{version}.zip", archive, ZIP_TYPE))
    return files


def zipped(version: str, cut_at, files: list[PackageFile]) -> bytes:
    buffer = io.BytesIO()
    folder = f"{PACKAGE_NAME}-{version}"
    stamp = cut_at.astimezone(datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(f"{folder}/{file.name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.content)
    return buffer.getvalue()
