"""The columns of a record's flat table: its CSV in the API, its table in a data release.

A column is a header and a source: a field path (``"program__slug"``) or an expression. The
helpers spell out the shapes every model repeats: plain fields, a related record's slug and
names, the slugs and names of many related records, a date with its precision.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from core.dates import iso_sql

# A name in each language, after the slug: "program", "program_name_en", "program_name_zh_hans".
NAME_SUFFIXES = (("", "slug"), ("_name_en", "name_en"), ("_name_zh_hans", "name_zh_hans"))
# The same for lists, as the API has always written them: "zones", "zones_en", "zones_zh_hans".
LIST_SUFFIXES = (("", "slug"), ("_en", "name_en"), ("_zh_hans", "name_zh_hans"))


@dataclass(frozen=True)
class Column:
    header: str
    # A field path ("program__slug") or an expression (an ArraySubquery of related names).
    source: Any
    # Turns the database value into the cell, e.g. a slug into the public page's address.
    cell: Callable[[Any], Any] | None = None


def fields(*names: str) -> list[Column]:
    """Columns named as the fields they hold."""
    return [Column(name, name) for name in names]


def related(header: str, path: str | None = None) -> list[Column]:
    """A related record (``path``, by default ``header``) by its slug and its two names."""
    path = path or header
    return [Column(f"{header}{suffix}", f"{path}__{field}") for suffix, field in NAME_SUFFIXES]


def related_list(header: str, records, link: str) -> list[Column]:
    """The slugs and names of the ``records`` linked to the row by ``link`` (their field
    pointing back at it), each an array in name order."""
    return [
        Column(
            f"{header}{suffix}",
            ArraySubquery(
                records.filter(**{link: OuterRef("pk")}).order_by("name_en", "slug").values(field)
            ),
        )
        for suffix, field in LIST_SUFFIXES
    ]


def partial_date(name: str) -> list[Column]:
    """A date as precise as its source: ISO 8601 to that precision, and the precision."""
    return [Column(name, iso_sql(name)), Column(f"{name}_precision", f"{name}_precision")]
