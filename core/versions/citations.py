"""A public version cited in BibTeX, RIS and CSL-JSON, written by hand to the formats' rules.

Each citation names the register as the author (it is the register's record that is cited),
the record's title in the reader's language, the version's number and the day it became
public, and the version's permanent address.
"""

import json
import re
from dataclasses import dataclass

from django.utils import timezone

PUBLISHER = "AI Pilot Zones"

CONTENT_TYPES = {
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}

# Characters that TeX reads as commands; each is written as TeX's escape for it.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in BIBTEX_ESCAPES))


@dataclass(frozen=True)
class Citation:
    key: str  # e.g. apz-miit-beijing-v2
    title: str
    kind: str  # "zone" or "document", in the reader's language
    number: int
    public_from: object  # an aware datetime
    url: str
    language: str

    @property
    def day(self):
        return timezone.localtime(self.public_from).date()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def bibtex_escape(text: str) -> str:
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES[match.group()], _one_line(text))


def to_bibtex(citation: Citation) -> str:
    day = citation.day
    fields = [
        # Double braces keep the register's name as written (no name parsing, no case change).
        ("author", "{" + bibtex_escape(PUBLISHER) + "}"),
        ("title", "{" + bibtex_escape(citation.title) + "}"),
        ("howpublished", bibtex_escape(f"{PUBLISHER}, {citation.kind}")),
        ("version", str(citation.number)),
        ("year", str(day.year)),
        ("month", str(day.month)),
        ("date", day.isoformat()),
        ("url", citation.url),
        ("language", citation.language),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}\n}}\n"


def to_ris(citation: Citation) -> str:
    day = citation.day
    lines = [
        ("TY", "ELEC"),
        ("TI", _one_line(citation.title)),
        ("AU", PUBLISHER),
        ("PB", PUBLISHER),
        ("ET", str(citation.number)),
        ("PY", str(day.year)),
        ("DA", day.strftime("%Y/%m/%d")),
        ("UR", citation.url),
        ("LA", citation.language),
        ("ER", ""),
    ]
    # RIS: a two-letter tag, two spaces, a hyphen, a space; lines end with CR LF.
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def to_csl_json(citation: Citation) -> str:
    day = citation.day
    item = {
        "id": citation.key,
        "type": "webpage",
        "title": citation.title,
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "container-title": PUBLISHER,
        "genre": citation.kind,
        "version": str(citation.number),
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "URL": citation.url,
        "language": citation.language,
    }
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}
