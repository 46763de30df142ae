"""A version's snapshot as rows a page or a citation shows, in the reader's language."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import get_language

from core.models import Status
from core.versions.citations import Citation
from core.versions.records import public_fields, public_versions


@dataclass
class Row:
    label: str
    text: str
    lang: str
    is_markdown: bool = False


def reader_language() -> str:
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


def in_language(value: dict, language: str) -> tuple[str, str]:
    """(text, its language): the reader's language, else the other one."""
    text = value.get(language) or ""
    if text.strip():
        return text, language
    other = "en" if language == "zh-hans" else "zh-hans"
    return value.get(other) or "", other


def rows(model, fields: dict, language: str) -> list[Row]:
    """The kept fields, in the model's order, as label and text."""
    shown = []
    for field in [*public_fields(model), *model._meta.many_to_many]:
        value = fields.get(field.name)
        if value is None or field.name == "slug":
            continue
        if isinstance(value, list):
            names = [in_language(item, language)[0] for item in value]
            shown.append(Row(str(field.verbose_name), ", ".join(names), language))
            continue
        text, lang = in_language(value, language)
        shown.append(Row(str(field.verbose_name), text, lang, is_markdown=field.name == "body"))
    return shown


def part_model(model, name: str):
    return model._meta.get_field(name).related_model


def field_label(model, name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if field.is_relation and field.one_to_many:
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def parts(model, snapshot: dict, language: str) -> list[tuple[str, list[list[Row]]]]:
    """(the parts' name, one list of rows per part) for each kind of part the version keeps."""
    return [
        (
            field_label(model, name),
            [rows(part_model(model, name), part, language) for part in kept],
        )
        for name, kept in snapshot.get("parts", {}).items()
        if kept
    ]


def version_url(record, number: int) -> str:
    return f"{record.get_absolute_url()}versions/{number}/"


def versions_url(record) -> str:
    return f"{record.get_absolute_url()}versions/"


def citation(request, record, version) -> Citation:
    language = reader_language()
    return Citation(
        key=f"apz-{record.slug}-v{version.number}",
        title=in_language(version.snapshot["title"], language)[0],
        kind=str(type(record)._meta.verbose_name),
        number=version.number,
        public_from=version.public_from,
        url=request.build_absolute_uri(version_url(record, version.number)),
        language=language,
    )


def version_entries(record, versions) -> list[dict]:
    """The versions as the record's pages list them: number, date, address, what changed."""
    model = type(record)
    return [
        {
            "number": version.number,
            "public_from": version.public_from,
            "withdrawn_at": version.withdrawn_at,
            "url": version_url(record, version.number),
            "changed": [field_label(model, name) for name in version.changed],
        }
        for version in versions
    ]


def versioning(request, record, shown=None) -> dict:
    """What a record page or a version page shows about the versions: the list, the current
    one, the one shown and its citation, and when the record was withdrawn (if it is)."""
    versions = list(public_versions(record))
    if not versions:
        return {}
    current = versions[-1]
    shown = shown or current
    withdrawn_at = current.withdrawn_at if record.status != Status.PUBLISHED else None
    cite = citation(request, record, shown)
    return {
        "versions": version_entries(record, versions),
        "current": current,
        "current_url": version_url(record, current.number),
        "shown": shown,
        "shown_url": version_url(record, shown.number),
        "versions_url": versions_url(record),
        "record_url": record.get_absolute_url(),
        "withdrawn_at": withdrawn_at,
        "citation": cite,
        "cite_day": cite.day,
        "now": timezone.now(),
    }
