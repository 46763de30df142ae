"""The sitemap: an index of files that together list every public page in both languages.

``/sitemap.xml`` is a sitemap index; each section (the fixed pages, zones, documents, …) is
served as numbered files, ``/sitemap-<section>.xml?p=<n>``, of at most ``records_per_file``
records. Every record is listed once per language, with ``hreflang`` alternates, so a file holds
``records_per_file × languages`` addresses, well under the protocol's 50,000.

The files are written as text from ``(key, lastmod)`` rows: an address is the language's address
of a placeholder record with the key put in, so that a file of thousands of records costs one
``reverse()`` per language rather than several per record.
"""

import math
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

PLACEHOLDER = "sitemap-key-placeholder"
# Far more files than any section needs; a larger number is refused before it reaches SQL.
MAX_FILES = 10_000


class Section:
    """One kind of public page. Subclasses give ``url_name`` and ``queryset()`` (records with
    a ``slug`` and an ``updated_at``) or override ``rows()``, ``count()`` and ``location()``."""

    url_name = ""
    changefreq = "weekly"
    records_per_file = 5_000

    def queryset(self):
        raise NotImplementedError

    def count(self) -> int:
        return self.queryset().count()

    def rows(self, start: int, stop: int) -> list[tuple[str, object]]:
        """``(key, lastmod)`` of records ``start`` to ``stop`` in a stable order (the slug's
        unique index)."""
        return list(self.queryset().order_by("slug").values_list("slug", "updated_at")[start:stop])

    def latest_lastmod(self):
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]

    def location(self, key: str, language: str) -> str:
        with translation.override(language):
            return reverse(self.url_name, kwargs={"slug": key})

    def files(self) -> int:
        return max(1, math.ceil(self.count() / self.records_per_file))


class FixedPagesSection(Section):
    """Pages that are not records: each key is a URL name."""

    changefreq = "daily"
    names: tuple[str, ...] = ()

    def count(self) -> int:
        return len(self.names)

    def rows(self, start, stop):
        return [(name, None) for name in self.names[start:stop]]

    def latest_lastmod(self):
        return None

    def location(self, key, language):
        with translation.override(language):
            return reverse(key)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _address_maker(section: Section, base: str):
    """A function from a key and a language to an absolute address."""
    if isinstance(section, FixedPagesSection):
        return lambda key, language: base + section.location(key, language)
    templates = {
        language: base + section.location(PLACEHOLDER, language) for language in _languages()
    }
    return lambda key, language: templates[language].replace(PLACEHOLDER, key)


def _file_number(request) -> int:
    try:
        number = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404("No such sitemap file") from None
    if not 1 <= number <= MAX_FILES:
        raise Http404("No such sitemap file")
    return number


def _xml_response(lines: list[str]) -> HttpResponse:
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_GET
def sitemap_index(request, sections: dict[str, type[Section]]):
    base = f"{request.scheme}://{request.get_host()}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for name, section_class in sections.items():
        section = section_class()
        address = base + reverse("sitemap-section", kwargs={"section": name})
        latest = section.latest_lastmod()
        lastmod = f"<lastmod>{latest.isoformat()}</lastmod>" if latest else ""
        for number in range(1, section.files() + 1):
            loc = address if number == 1 else f"{address}?p={number}"
            lines.append(f"<sitemap><loc>{escape(loc)}</loc>{lastmod}</sitemap>")
    lines.append("</sitemapindex>")
    return _xml_response(lines)


@require_GET
def sitemap_section(request, sections: dict[str, type[Section]], section: str):
    if section not in sections:
        raise Http404("No such sitemap section")
    current = sections[section]()
    number = _file_number(request)
    start = (number - 1) * current.records_per_file
    rows = current.rows(start, start + current.records_per_file)
    if not rows and number > 1:
        raise Http404("No such sitemap file")
    languages = _languages()
    address = _address_maker(current, f"{request.scheme}://{request.get_host()}")
    changefreq = f"<changefreq>{current.changefreq}</changefreq>"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for key, lastmod in rows:
        addresses = {language: address(key, language) for language in languages}
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{language}" href={quoteattr(loc)}/>'
            for language, loc in addresses.items()
        )
        alternates += (
            f'<xhtml:link rel="alternate" hreflang="x-default" '
            f"href={quoteattr(addresses[settings.LANGUAGE_CODE])}/>"
        )
        modified = f"<lastmod>{timezone.localdate(lastmod)}</lastmod>" if lastmod else ""
        for loc in addresses.values():
            lines.append(f"<url><loc>{escape(loc)}</loc>{modified}{changefreq}{alternates}</url>")
    lines.append("</urlset>")
    return _xml_response(lines)


# The query parameters each view reads (see public.cache.normalise_query).
sitemap_index.query_parameters = ()
sitemap_section.query_parameters = ("p",)
