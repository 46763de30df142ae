"""Hostile input never gives a 5xx: every value of a corpus of hostile strings, sent to every
query parameter of every public page, API list, facet count, feed and export (CSV, GeoJSON), and
as every slug or key in a path, is answered 200, 400 or 404 — and a 400 says what was wrong (the
API's error shape under /api/, the form's errors on a page, a plain message from the feed).

The surfaces are found, not listed: the public pages by walking the URLconf (a page's parameters
are its FilterSet's, plus the few a view reads itself, in VIEW_PARAMETERS), the API from its
OpenAPI schema (every GET operation's query and path parameters, each list in each format it
offers). A new page, filter, endpoint or format is covered without touching this file, and
``test_every_parameter_a_view_reads_is_covered`` fails if a view starts reading a parameter that
no surface sends.

A value goes to all the parameters of a surface at once (``format`` on its own, as the API
checks it first). A 400 names every parameter that refused the value (the API in its error's
details, a page or the feed in its form's errors), and the value is sent again to the others
until none refuses, so every value a parameter accepts reaches the database — in one to three
requests per surface rather than one per parameter. A filtered page is also asked as the partial
htmx requests, in Chinese. One demo database serves the whole module.

Hostile content is covered too where it leaves the site as a file: a record named like a
spreadsheet formula is written as text by every CSV and XLSX export. (The map's tooltips and
popups, which need a browser, are checked in tests/browser/test_site.py.)
"""

import csv
import dataclasses
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory
from tests.site_fixtures import site_demo  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def encoded(text: str) -> str:
    """A value as it travels in a query string or a path segment: every byte percent-encoded."""
    return quote(text, safe="")


# (id, the value as sent: already percent-encoded, or a list of them for a repeated parameter).
HOSTILE = [
    ("nul", "%00"),
    ("nul-inside", "miit%00beijing"),
    ("lone-surrogate", "%ED%A0%80"),
    ("invalid-utf8", "%C0%AF%FF%FE"),
    ("two-to-the-63", "9223372036854775808"),
    ("twenty-digits", "99999999999999999999"),
    ("negative", "-1"),
    ("float-overflow", "1e309"),
    ("nan", "NaN"),
    ("infinity", "-Infinity"),
    ("non-ascii-digits", encoded("²١٢")),
    ("year-10000", "10000-01-01"),
    ("impossible-date", "2021-02-30"),
    ("datetime-at-the-edge", encoded("9999-12-31T23:59:59-23:59")),
    ("double-dash-field", encoded("--name")),
    ("private-field", "password"),
    ("search-vector", encoded("-search_vector")),
    ("dunder", "__class__"),
    ("ten-kilobytes", "a" * 10240),
    ("ten-kilobytes-mixed", encoded("滨海 <b> & " * 1024)),
    ("tsquery-operators", encoded("a & !b | (c")),
    ("tsquery-prefix", encoded(":*")),
    ("tsquery-phrase-and-weights", encoded("a <-> b <2> port:A & 智能:*B")),
    ("crlf", encoded("a\r\nSet-Cookie: injected=1")),
    ("path-traversal", encoded("../../etc/passwd")),
    ("key-with-a-huge-number", encoded("miit~99999999999999999999")),
    ("key-of-ten-kilobytes", encoded("a" * 5000 + "~" + "b" * 5000)),
    ("html-script", encoded('"><script>alert(1)</script>')),
    ("rtl-and-zero-width", encoded("\u202egpj.exe mi\u200bit\u200d\ufeff")),
    ("emoji", encoded("🤖🏭👨‍👩‍👧")),
    ("sql", encoded("' OR 1=1; DROP TABLE zones_zone;--")),
    ("empty", ""),
    ("array", ["miit", "%00", "-1"]),
    ("array-hundred-and-one", ["a"] * 101),
]
HOSTILE_IDS = [name for name, _value in HOSTILE]

ALLOWED = {200, 400, 404}

# Parameters a view reads itself, outside a FilterSet (the FilterSet's are found on their own).
VIEW_PARAMETERS = {
    "search": ["q"],
    "zones:list": ["view"],
    "sitemap-section": ["p"],
}
# Every list page is also asked for these.
LIST_PARAMETERS = ["page"]
# The API's lists answer JSON by default; the other formats of ``format`` are sent explicitly.
DEFAULT_FORMAT = "json"

# Parts of the URLconf that are not public pages: the newsroom (staff only, tested in
# tests/core), the language switch (a POST) and the API (found through its schema instead).
NOT_PUBLIC = ("admin/", "i18n/", "api/")


@dataclass(frozen=True)
class Surface:
    """One address to attack: a path template with ``{}`` where the value goes, or a ready path
    and the query parameters that carry the value."""

    path: str
    parameters: tuple[str, ...] = ()  # empty: the value goes into the path
    extra: str = ""  # other query parameters sent along (format=csv)
    api: bool = False
    htmx: bool = False
    filterset_class: type | None = None  # a page's: it tells which parameters a value fails

    def with_parameters(self, parameters):
        return dataclasses.replace(self, parameters=parameters)

    def url(self, value) -> str:
        values = value if isinstance(value, list) else [value]
        if not self.parameters:
            return self.path.format(values[0])
        query = [self.extra] if self.extra else []
        query += [f"{name}={item}" for name in self.parameters for item in values]
        return f"{self.path}?{'&'.join(query)}"


def _walk(patterns, prefix="", namespace=""):
    """(route, pattern, namespaced name) of every pattern of the URLconf."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), pattern, name


def page_surfaces(sample_values) -> list[Surface]:
    """Every public page of the URLconf: each of its path parameters, and its query parameters."""
    surfaces = []
    for route, pattern, name in _walk(get_resolver().url_patterns):
        if route.startswith(NOT_PUBLIC) or route.startswith(settings.STATIC_URL):
            continue
        path = "/" + route
        converters = [found for _kind, found in re.findall(r"<(?:(\w+):)?(\w+)>", path)]
        if converters:
            # One surface per path parameter; any other gets a real record's value.
            for attacked in converters:
                template = path
                for other in converters:
                    fill = "{}" if other == attacked else str(sample_values[other])
                    template = re.sub(rf"<(?:\w+:)?{other}>", fill, template)
                surfaces.append(Surface(template))
            # The query parameters it reads, on a real record's address.
            filled = path
            for other in converters:
                filled = re.sub(rf"<(?:\w+:)?{other}>", str(sample_values[other]), filled)
            surfaces += [
                Surface(filled, (parameter,)) for parameter in VIEW_PARAMETERS.get(name, [])
            ]
            continue
        view = getattr(pattern.callback, "view_class", None) or pattern.callback
        filterset_class = getattr(view, "filterset_class", None)
        filters = tuple(filterset_class.base_filters) if filterset_class else ()
        own = [*VIEW_PARAMETERS.get(name, [])]
        if filterset_class is not None or getattr(view, "paginate_by", None):
            own += LIST_PARAMETERS
        if filters and hasattr(view, "partial_name"):
            # A filtered page (public.views.pages.FilteredListView): all its filters at once.
            surfaces.append(Surface(path, filters, filterset_class=filterset_class))
            # The partial that htmx asks for, in each other language (in Chinese, names sort by
            # pinyin and Chinese runs are searched as character pairs).
            surfaces += [
                Surface(f"/{code}{path}", filters, htmx=True, filterset_class=filterset_class)
                for code, _name in settings.LANGUAGES
                if code != settings.LANGUAGE_CODE
            ]
        elif filters:
            # A feed: its filters together, as the API's (see ``answer``).
            surfaces.append(Surface(path, filters, filterset_class=filterset_class))
        surfaces += [Surface(path, (parameter,)) for parameter in dict.fromkeys(own)]
    return surfaces


def api_surfaces(schema, sample_values) -> list[Surface]:
    """Every GET operation of the API's OpenAPI schema: its query parameters together, in each
    format it offers, and ``format`` on its own (it is checked before the others)."""
    surfaces = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        parameters = operation.get("parameters", [])
        query = tuple(p["name"] for p in parameters if p["in"] == "query" and p["name"] != "format")
        formats = [""]
        for parameter in parameters:
            if parameter["in"] == "path":
                # The attacked parameter gets the value; any other, a real record's (the
                # version addresses take a slug and a number).
                template = path.replace("{" + parameter["name"] + "}", "{}")
                for other, sample in sample_values.items():
                    template = template.replace("{" + other + "}", str(sample))
                surfaces.append(Surface(template, api=True))
            if parameter["name"] == "format" and parameter["in"] == "query":
                surfaces.append(Surface(path, ("format",), api=True))
                formats += [
                    f"format={name}"
                    for name in parameter["schema"]["enum"]
                    if name != DEFAULT_FORMAT
                ]
        if query:
            # On a real record's address (a record reads ``as_of``).
            filled = path
            for other, sample in sample_values.items():
                filled = filled.replace("{" + other + "}", str(sample))
            surfaces += [Surface(filled, query, extra, api=True) for extra in formats]
    return surfaces


@pytest.fixture(scope="module")
def surfaces(site_demo, tmp_path_factory):  # noqa: F811
    from drf_spectacular.generators import SchemaGenerator

    from policies.models import PolicyDocument
    from releases.services import release_cut
    from zones.models import Zone

    document = PolicyDocument.objects.published().order_by("slug").first()
    attachment = document.attachments.order_by("pk").first()
    # A data release, so that a hostile file name is looked for in a release that exists.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        release = release_cut()
        sample_values = {
            "slug": document.slug,
            "pk": attachment.pk if attachment else 1,
            "version": release.version,
            "name": "zones.csv",
            "section": "policies",
            "number": 1,
        }
        schema = SchemaGenerator().get_schema(request=None, public=True)
        # A record page reads ``as_of`` (core.versions); the API's records have it in the
        # schema, and a zone's record is attacked here too (the schema's sample is a document).
        zone = Zone.objects.published().order_by("slug").first()
        as_of = [
            Surface(f"{prefix}{record.get_absolute_url()}", ("as_of",))
            for record in (document, zone)
            for prefix in ("", "/zh-hans")
        ] + [Surface(f"/api/v1/zones/{zone.slug}/", ("as_of",), api=True)]
        yield page_surfaces(sample_values) + as_of + api_surfaces(schema, sample_values)


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # Thousands of anonymous requests from one address: the throttle is tested in tests/api.
    settings.API_ANON_THROTTLE_RATE = ""


def clear_message(surface: Surface, response) -> bool:
    """A 400 names what was wrong, in the shape the surface answers errors in."""
    if surface.api:
        error = response.json()["error"]
        return bool(error["code"]) and bool(error["message"])
    if response["Content-Type"].startswith("text/plain"):
        return "not valid" in response.text
    # The form's errors, or the small page of operations.errors (too many values, …) with its
    # message.
    return bool(
        'class="form-errors"' in response.text
        or 'class="field-error"' in response.text
        or re.search(r"<main><h1>[^<]+</h1><p>[^<]+</p></main>", response.text)
    )


STATUSES = Counter()


def answer(client, surface, value, headers=None, also=()) -> str | None:
    """A problem with the answers to a hostile value (each body read to the end), or None.

    The value goes to all the surface's parameters at once; a 400 names every parameter that
    refused it (the API in its error's details, a page in its form's errors), and the value is
    sent again to the others, until none refuses: so each value a parameter accepts reaches the
    database, in two or three requests rather than one per parameter.
    """
    parameters = surface.parameters
    while True:
        target = surface.with_parameters(parameters)
        problem, response = one_answer(client, target, value, headers, also)
        if problem or len(parameters) < 2 or response.status_code != 400:
            return problem
        refused = refused_parameters(target, value, response) & set(parameters)
        parameters = tuple(name for name in parameters if name not in refused)
        if not refused or not parameters:
            return None


def refused_parameters(surface, value, response) -> set[str]:
    """The parameters a 400 refused: named by the API's error, or by the page's form."""
    if surface.api:
        return set(response.json()["error"].get("details", {}))
    if surface.filterset_class is None:
        return set()
    try:
        data = QueryDict(surface.url(value).partition("?")[2])
    except TooManyFieldsSent:
        return set()  # refused as a whole (operations.errors.too_many_values)
    return set(surface.filterset_class(data).errors)


def one_answer(client, surface, value, headers, also):
    url = surface.url(value)
    request_headers = {"HX-Request": "true"} if surface.htmx else {}
    try:
        response = client.get(url, headers={**request_headers, **(headers or {})})
        if response.streaming:
            b"".join(response.streaming_content)
    except Exception as error:  # reported with every other failure, all at once
        STATUSES[500] += 1
        return f"{url[:160]} raised {type(error).__name__}: {str(error)[:200]}", None
    status = response.status_code
    STATUSES[status] += 1
    if status not in ALLOWED | set(also):
        return f"{url[:160]} answered {status}", response
    if status >= 400 and status != 404 and not clear_message(surface, response):
        return f"{url[:160]} answered {status} without a clear message", response
    return None, response


@pytest.fixture(scope="module", autouse=True)
def _report_statuses():
    yield
    if STATUSES:
        total = sum(STATUSES.values())
        print(f"\nhostile requests: {total}, by status: {dict(sorted(STATUSES.items()))}")


@pytest.mark.parametrize("value", [value for _name, value in HOSTILE], ids=HOSTILE_IDS)
def test_a_hostile_value_never_gives_a_server_error(surfaces, value):
    client = Client()

    problems = [problem for surface in surfaces if (problem := answer(client, surface, value))]

    assert not problems, f"{len(problems)} of {len(surfaces)} answers:\n" + "\n".join(problems)


# Headers a client chooses, with hostile values (text: headers carry no percent-encoding).
HOSTILE_HEADERS = {
    "If-None-Match": ['"x", W/"', "*, " * 2000, '"\x00"', "\u202e" * 50],
    "If-Modified-Since": ["Sun, 31 Feb 10000 25:61:61 GMT", "9" * 30, "1e309"],
    "Accept": ["text/csv;q=NaN, */*;q=1e309", "application/" + "x" * 10240, "../../etc/passwd"],
    "Accept-Language": ["zh-hans;q=2, *;q=-1", "x" * 10240, "../../etc/passwd, en;q=0.5"],
    "X-Request-ID": ["\r\nSet-Cookie: a=b", "x" * 10240],
}


@pytest.mark.parametrize("header", list(HOSTILE_HEADERS))
def test_hostile_request_headers_never_give_a_server_error(surfaces, header):
    client = Client()
    # The API answers an Accept it cannot satisfy with 406, in its error shape.
    also = {406} if header == "Accept" else set()
    addresses = [
        Surface(surface.path, ("page",), surface.extra, surface.api)
        for surface in surfaces
        if not surface.htmx and "page" in surface.parameters
    ]
    problems = [
        problem
        for surface in addresses
        for value in HOSTILE_HEADERS[header]
        if (problem := answer(client, surface, "1", headers={header: value}, also=also))
    ]

    assert len(addresses) >= 10
    assert not problems, "\n".join(problems)


def test_the_corpus_reaches_every_kind_of_surface(surfaces):
    kinds = Counter(
        (
            "api" if surface.api else "page",
            "query" if surface.parameters else "path",
            surface.extra.removeprefix("format="),
        )
        for surface in surfaces
    )
    attacked = {(surface.path, surface.parameters) for surface in surfaces}
    paths = {path for path, _parameters in attacked}

    assert len(HOSTILE) >= 25
    # Each surface takes one to three requests per value (see ``answer``): thousands in all.
    assert len(surfaces) >= 50
    for kind in [
        ("page", "query", ""),
        ("page", "path", ""),
        ("api", "query", ""),
        ("api", "query", "csv"),
        ("api", "query", "geojson"),
        ("api", "path", ""),
    ]:
        assert kinds[kind], kind
    for path in ["/zones/", "/policies/", "/search/", "/sitemap-policies.xml"]:
        assert path in paths
    for path in [
        "/zones/{}/",
        "/programs/{}/",
        "/focus-areas/{}/",
        "/policies/{}/",
        "/api/v1/zones/{}/",
        "/api/v1/batches/{}/",
        "/api/v1/directives/{}/",
    ]:
        assert path in paths
    # Records read as of a date (pages in both languages, the API), and version addresses with
    # the slug or the number attacked, the other a real one (a page's view is the same in
    # either language).
    for kind in ("zones", "policies"):
        for pattern, parameter in [
            (rf"/{kind}/[\w-]+/", "as_of"),
            (rf"/zh-hans/{kind}/[\w-]+/", "as_of"),
            (rf"/api/v1/{kind}/[\w-]+/", "as_of"),
            (rf"/{kind}/\{{\}}/versions/1/", None),
            (rf"/{kind}/[\w-]+/versions/\{{\}}/", None),
            (rf"/api/v1/{kind}/\{{\}}/versions/1/", None),
            (rf"/api/v1/{kind}/[\w-]+/versions/\{{\}}/", None),
        ]:
            assert any(
                re.fullmatch(pattern, p) and (parameter in names if parameter else not names)
                for p, names in attacked
            ), (pattern, parameter)
    for path, parameter in [
        ("/policies/", "issued_after"),
        ("/policies/feed/", "issued_after"),
        ("/api/v1/zones/", "batch"),
        ("/api/v1/zones/", "format"),
        ("/api/v1/policies/", "ordering"),
        ("/api/v1/policies/facets/", "q"),
        ("/api/v1/policies/facets/", "bucket"),
        ("/zones/feed/", "batch"),
        ("/api/v1/changes/", "since"),
        ("/api/v1/regions/", "page_size"),
    ]:
        assert any(p == path and parameter in names for p, names in attacked), (path, parameter)


# What the app's own views read from the query string, found in the source; the newsroom
# (staff only: the admin and its previews) is not a public surface.
READS = re.compile(r"""(?:GET|query_params)(?:\.(?:get|getlist|pop)\(|\[)\s*["'](\w+)["']""")
PUBLIC_PACKAGES = ("core", "zones", "policies", "operations", "api", "public", "releases", "config")


def test_every_parameter_a_view_reads_is_covered(surfaces):
    sent = {name for surface in surfaces for name in surface.parameters}
    read = set()
    for package in PUBLIC_PACKAGES:
        for source in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            read |= set(READS.findall(source.read_text()))

    assert read, "the pattern found no parameter: it no longer matches the code"
    assert read <= sent, f"read but never attacked: {sorted(read - sent)}"


@pytest.mark.parametrize(
    ("path", "api"), [("/zones/", False), ("/policies/feed/", False), ("/api/v1/zones/", True)]
)
def test_more_parameters_than_the_register_reads_is_a_clear_400(path, api):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    query = "&".join(f"q{number}=a" for number in range(limit + 1))

    response = Client().get(f"{path}?{query}")

    assert response.status_code == 400
    if api:
        assert response.json()["error"] == {
            "code": "too_many_values",
            "message": f"Give at most {limit} values.",
        }
    else:
        assert f"Give at most {limit} values." in response.text


# Texts a spreadsheet would run as formulas, as the names of published records.
FORMULAS = [
    '=HYPERLINK("https://attacker.example/","Harbour")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
CSV_FORMAT, XLSX_FORMAT = 0, 1
NEWSROOM_CHANGELISTS = ["/admin/zones/zone/", "/admin/policies/policydocument/"]


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(content: bytes) -> list[str]:
    cells = [cell for row in openpyxl.load_workbook(io.BytesIO(content)).active for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def test_formulas_in_records_are_exported_as_text_by_every_export():
    """The API's CSV and the newsroom's CSV and XLSX: no cell a spreadsheet would run."""
    for number, formula in enumerate(FORMULAS):
        ZoneFactory(slug=f"formula-{number}", name_en=formula)
        PolicyDocumentFactory(slug=f"formula-{number}", title_en=formula)
    staff = people.client_for(people.superuser())
    cells = {
        f"api {name}": csv_cells(
            b"".join(Client().get(f"/api/v1/{name}/?format=csv").streaming_content)
        )
        for name in ("zones", "policies")
    }
    for changelist in NEWSROOM_CHANGELISTS:
        content = people.admin_export(staff, changelist, CSV_FORMAT)
        cells[f"{changelist} csv"] = csv_cells(content)
        content = people.admin_export(staff, changelist, XLSX_FORMAT)
        cells[f"{changelist} xlsx"] = xlsx_cells(content)

    for export, texts in cells.items():
        runnable = [
            text for text in texts if FORMULA_START.match(text) and not NUMBER.fullmatch(text)
        ]
        assert not runnable, (export, runnable[:5])
        # XML has no carriage return of its own: an XLSX cell reads it back as a line feed.
        seen = {text.removeprefix("'").replace("\n", "\r") for text in texts}
        assert set(FORMULAS) <= seen, export


MARKUP_NAME = '<b id="injected">Bold</b> Harbour <img src=x onerror=alert(1)>'


def strings(value):
    """Every string in a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def test_a_name_with_markup_reaches_every_map_as_text():
    """Map data is JSON inside a script element, never markup in the page; the browser suite
    (tests/browser/test_site.py) checks that the map's tooltip and popup show it as text."""
    zone = ZoneFactory(slug="markup-harbour", name_en=MARKUP_NAME, status="published")
    client = Client()
    pages = ["/", "/zh-hans/", "/zones/?view=map", zone.get_absolute_url()]
    pages.append(f"/programs/{zone.program.slug}/")
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<b id="injected">' not in page.text, path
        assert "<img src=x" not in page.text, path
        scripts = re.findall(
            r'<script id="[^"]*" type="application/json">(.*?)</script>', page.text
        )
        assert any(MARKUP_NAME in text for data in scripts for text in strings(json.loads(data)))

    geojson = client.get("/api/v1/zones/?format=geojson").json()
    names = [feature["properties"]["name"] for feature in geojson["features"]]
    assert MARKUP_NAME in names
