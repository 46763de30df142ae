"""The benchmark's pieces that must stay in step with the app: the floor view, the generator's
set-based search vectors, the address sets it draws and the shape of its results."""

import json
import re
from urllib.parse import parse_qsl, unquote

import pytest
from django.db import connection
from django.test import override_settings

from bench.addresses import (
    COMMON_WORDS_EN,
    COMMON_WORDS_ZH,
    RARE_WORDS_EN,
    RARE_WORDS_ZH,
    SETS,
    Catalogue,
    draw_set,
    read_catalogue,
)
from bench.endpoints import ENDPOINTS, PROXY_HEADERS
from bench.generate import (
    COPY_COLUMNS,
    DIRECTIVE_VECTOR_SQL,
    DOCUMENT_VECTOR_SQL,
    STAGING_TABLES,
    ZONE_VECTOR_SQL,
    copy_line,
    directive_terms,
    document_terms,
    focus_area_terms,
    principle_terms,
    zone_search_terms,
)
from bench.run import parse_args, selection
from bench.tables import (
    CACHE_MODES,
    admin_target_ms,
    build_results,
    results_shape_problems,
)
from policies.models import Directive, PolicyDocument
from tests.factories import (
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    PrincipleFactory,
    ProvinceFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_the_site_does_not_serve_the_floor_view(client):
    assert client.get("/bench/hello/").status_code == 404


@override_settings(ROOT_URLCONF="config.urls_bench")
def test_the_floor_view_answers_through_the_whole_middleware_stack(client):
    response = client.get("/bench/hello/")

    assert response.status_code == 200
    assert response.content == b"Hello, world.\n"
    # Set by the security, clickjacking and CSP middleware: the floor pays for them too.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


def copy_rows(table: str, columns: str, rows: list[tuple]) -> None:
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write("".join(copy_line(row) for row in rows))


def test_copy_lines_survive_a_round_trip_through_postgresql():
    awkward = "back\\slash\ttab\nnew line\r\n## 一、总体要求 \\N"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (id int, text text, missing text)")
        copy_rows("copied", "id, text, missing", [(1, awkward, None)])
        cursor.execute("SELECT id, text, missing FROM copied")
        assert cursor.fetchall() == [(1, awkward, None)]


def stored_vector(model, pk):
    return model._base_manager.values_list("search_vector", flat=True).get(pk=pk)


def test_generated_search_vectors_equal_what_the_app_stores():
    """The generator's SQL is the app's search_vector_expression over search_texts()."""
    province = ProvinceFactory(name_en="Tianjin", name_zh_hans="天津市")
    zone = ZoneFactory(
        province=province,
        name_en="Tianjin (Binhai New Area)",
        name_zh_hans="天津（滨海新区）",
        city_en="Tianjin",
        city_zh_hans="天津",
        summary_en="Ports and intelligent manufacturing.",
        summary_zh_hans="建设智能港口，发展智能制造。",
    )
    areas = [
        FocusAreaFactory(name_en="Smart port", name_zh_hans="智能港口"),
        FocusAreaFactory(name_en="Intelligent manufacturing", name_zh_hans="智能制造"),
    ]
    zone.focus_areas.set(areas)
    document = PolicyDocumentFactory(
        title_en="Notice on pilot zones",
        title_zh_hans="关于支持建设人工智能创新应用先导区的函",
        doc_number="工信部科函〔2021〕35号",
        summary_en="Five more zones join the programme.",
        summary_zh_hans="新增五个先导区。",
        body_en="## 1. General requirements\n\nSupport quantum research and applications.",
        body_zh_hans="## 一、总体要求\n\n加快推进人工智能与实体经济深度融合。",
    )
    first = PrincipleFactory(
        document=document, position=1, text_en="Be led by demand.", text_zh_hans="需求牵引"
    )
    second = PrincipleFactory(
        document=document, position=2, text_en="Open and share.", text_zh_hans="开放共享"
    )
    directive = DirectiveFactory(
        document=document,
        zone=zone,
        position=1,
        text_en="Build smart ports.",
        text_zh_hans="建设智慧港口。",
    )
    expected = {
        "document": stored_vector(PolicyDocument, document.pk),
        "zone": stored_vector(Zone, zone.pk),
        "directive": stored_vector(Directive, directive.pk),
    }

    with connection.cursor() as cursor:
        cursor.execute(STAGING_TABLES)
        copy_rows(
            "bench_document_terms",
            "id, title_zh, doc_number, summary_zh, body_zh",
            [
                document_terms(
                    document.pk,
                    document.title_zh_hans,
                    document.doc_number,
                    document.summary_zh_hans,
                    document.body_zh_hans,
                )
            ],
        )
        copy_rows(
            "bench_part_terms",
            "document_id, ord, text_en, zh",
            [
                principle_terms(document.pk, 2, second.text_en, second.text_zh_hans),
                directive_terms(document.pk, 1, directive.text_en, directive.text_zh_hans),
                principle_terms(document.pk, 1, first.text_en, first.text_zh_hans),
            ],
        )
        copy_rows(
            "bench_zone_terms",
            "id, name_zh, city_zh, province_zh, summary_zh, generated",
            [
                zone_search_terms(
                    zone.pk, zone.name_zh_hans, zone.city_zh_hans, "天津市", zone.summary_zh_hans
                )
            ],
        )
        copy_rows(
            "bench_focus_area_terms",
            "id, name_zh",
            [focus_area_terms(area.pk, area.name_zh_hans) for area in areas],
        )
        for table in ("policies_policydocument", "zones_zone", "policies_directive"):
            cursor.execute(f"UPDATE {table} SET search_vector = NULL")
        cursor.execute(DOCUMENT_VECTOR_SQL, [document.pk, document.pk + 1])
        cursor.execute(DIRECTIVE_VECTOR_SQL)
        cursor.execute(ZONE_VECTOR_SQL)

    assert stored_vector(PolicyDocument, document.pk) == expected["document"]
    assert stored_vector(Zone, zone.pk) == expected["zone"]
    assert stored_vector(Directive, directive.pk) == expected["directive"]


# --- Address sets: the long tail the benchmark requests --------------------------------------

CATALOGUE = Catalogue(
    documents=[f"document-{n}" for n in range(500)],
    zones=[f"zone-{n}" for n in range(40)],
    authorities=["miit", "most", "beijing-science"],
    focus_areas=["smart-port", "intelligent-manufacturing"],
    programs=["miit", "most"],
    provinces=["beijing", "shanghai"],
    regions=["north", "east"],
    batches=[1, 2, 3],
    years=(2015, 2025),
    cities_en=["Hefei"],
    cities_zh=["合肥"],
)


@pytest.mark.parametrize("name", SETS)
def test_a_set_is_the_same_for_the_same_seed_and_another_for_another(name):
    first = draw_set(name, CATALOGUE, 200, seed=2021)

    assert draw_set(name, CATALOGUE, 200, seed=2021) == first
    assert draw_set(name, CATALOGUE, 200, seed=2022) != first
    assert len(set(first)) > 60, "a long tail repeats few addresses"


LARGER_CATALOGUE = Catalogue(
    documents=[f"document-{n}" for n in range(5000)],
    zones=[f"zone-{n}" for n in range(400)],
    authorities=[f"authority-{n}" for n in range(44)],
    focus_areas=[f"area-{n}" for n in range(55)],
    programs=[f"program-{n}" for n in range(33)],
    provinces=[f"province-{n}" for n in range(31)],
    regions=["north", "east", "south", "west"],
    batches=list(range(1, 8)),
    years=(2010, 2026),
    cities_en=["Hefei", "Wuhan", "Xi'an"],
    cities_zh=["合肥", "武汉", "西安"],
)


def shape(path: str) -> tuple:
    """What a path asks for, without the values: the page and its parameters' names; for a
    search, the number of words and whether they are Chinese; for a record, which kind."""
    base, _, query = path.partition("?")
    parameters = parse_qsl(query)
    if base.rstrip("/").rsplit("/", 1)[-1] not in ("policies", "zones", "search"):
        base = base.rstrip("/").rsplit("/", 1)[0]  # a record: its kind, not its slug
    words = unquote(dict(parameters).get("q", ""))
    chinese = bool(re.search(r"[\u4e00-\u9fff]", words))
    return base, tuple(name for name, _ in parameters), len(words.split()), chinese


@pytest.mark.parametrize("name", SETS)
def test_the_sets_of_a_small_and_a_large_dataset_ask_the_same_things_of_different_records(name):
    small = draw_set(name, CATALOGUE, 300, seed=2021)
    large = draw_set(name, LARGER_CATALOGUE, 300, seed=2021)

    assert [shape(path) for path in small] == [shape(path) for path in large]
    # The records, the filter values and the city names searched for are each dataset's own.
    assert sum(a != b for a, b in zip(small, large, strict=True)) > 100


@pytest.mark.parametrize("name", SETS)
def test_every_page_set_reaches_both_languages(name):
    paths = draw_set(name, CATALOGUE, 200, seed=2021)

    if name == "api":  # the API is outside the language prefixes
        assert not any(path.startswith("/zh-hans/") for path in paths)
        assert {path.split("/")[3] for path in paths} == {"policies", "zones"}
    else:
        assert any(path.startswith("/zh-hans/") for path in paths)
        assert any(not path.startswith("/zh-hans/") for path in paths)


def test_record_sets_draw_only_the_catalogues_records():
    documents = draw_set("document", CATALOGUE, 300, seed=1)
    zones = draw_set("zone", CATALOGUE, 300, seed=1)

    assert {path.rstrip("/").rsplit("/", 1)[1] for path in documents} <= set(CATALOGUE.documents)
    assert {path.rstrip("/").rsplit("/", 1)[1] for path in zones} <= set(CATALOGUE.zones)
    assert len({path.rstrip("/").rsplit("/", 1)[1] for path in documents}) > 150


def test_searches_use_english_and_chinese_words_common_and_rare():
    paths = draw_set("search", CATALOGUE, 400, seed=2021)
    words = [unquote(path.split("?q=", 1)[1]) for path in paths]

    assert {path.split("?", 1)[0].removeprefix("/zh-hans") for path in paths} == {
        "/policies/",
        "/zones/",
        "/search/",
    }
    assert any(re.search(r"[\u4e00-\u9fff]", word) for word in words)
    assert any(re.fullmatch(r"[a-z -]+", word) for word in words)
    assert any(" " in word for word in words), "some searches have two words"
    flat = {part for word in words for part in word.split(" ")}
    assert flat & set(COMMON_WORDS_EN)
    assert flat & set(RARE_WORDS_EN)
    assert flat & set(COMMON_WORDS_ZH)
    assert flat & set(RARE_WORDS_ZH)


def test_list_sets_combine_the_filters_of_both_lists():
    paths = draw_set("list", CATALOGUE, 400, seed=2021)
    parameters = {name for path in paths for name, _ in parse_qsl(path.partition("?")[2]) if name}

    assert {
        "authority",
        "doc_type",
        "focus_area",
        "zone",
        "program",
        "validity",
        "issued_after",
        "issued_before",
        "province",
        "region",
        "batch",
        "ordering",
        "page",
    } <= parameters


def published_site():
    focus_area = FocusAreaFactory(slug="smart-port")
    zones = [ZoneFactory(focus_areas=[focus_area]) for _ in range(3)]
    for number in range(45):
        PolicyDocumentFactory(zones=[zones[number % 3]], focus_areas=[focus_area])
    draft_zone = ZoneFactory(status="draft")
    draft = PolicyDocumentFactory(status="draft", zones=[draft_zone])
    return draft, draft_zone


def test_the_catalogue_holds_what_the_public_sees():
    draft, draft_zone = published_site()

    with connection.cursor() as cursor:
        catalogue = read_catalogue(cursor)

    assert len(catalogue.documents) == 45
    assert draft.slug not in catalogue.documents
    assert draft_zone.slug not in catalogue.zones
    assert "smart-port" in catalogue.focus_areas


@pytest.mark.parametrize("name", SETS)
def test_every_drawn_address_answers(client, name):
    """A 404 or 400 in a set would be counted as the app's error: every address must exist."""
    published_site()
    with connection.cursor() as cursor:
        catalogue = read_catalogue(cursor)

    for path in draw_set(name, catalogue, 25, seed=2021):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 200, path


# --- results.json ---------------------------------------------------------------------------


def measurement(name: str, ratio: float) -> dict:
    return {
        "name": name,
        "rps": 100 * ratio,
        "ratio": ratio,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "errors": 0,
        "requests": 1000,
    }


def test_results_have_the_documented_shape():
    measured = {
        "dataset": {"documents": 100_000, "zones": 2_000},
        "floor_rps": 1000.0,
        "longtail": {
            "large": {mode: [measurement(name, 0.2) for name in SETS] for mode in CACHE_MODES},
            "small": {mode: [measurement(name, 0.4) for name in SETS] for mode in CACHE_MODES},
            "queries": {"large": {"document": {"queries_mean": 9.0}}},
        },
        "first_read": {"/": 120.0, "/sitemap.xml": None},
        "admin": {"/admin/policies/policydocument/": 150.0},
        "editing": {"p95_ratio": 1.2},
    }

    results = build_results(measured)

    assert results_shape_problems(results) == []
    assert set(results["longtail"]) == {"cache_on", "cache_off"}
    for entry in results["longtail"]["cache_on"]:
        assert set(entry) == {"name", "rps", "ratio", "p50_ms", "p95_ms", "errors"}
    assert results["first_read_ms"] == {"/": 120.0, "/sitemap.xml": None}
    assert results["editing"]["p95_ratio"] == 1.2
    assert results["longtail_scaling"]["document"]["queries_large"] == 9.0
    assert results["longtail_scaling"]["document"]["p95_ratio_cache_off"] == 1.0
    json.dumps(results)


def test_a_partial_run_keeps_the_other_parts_of_the_last_results():
    previous = {
        "dataset": {"documents": 100_000, "zones": 2_000},
        "admin_ms": {"/admin/": 100.0},
        "measured_at": {"admin_ms": "2026-12-07T01:00:00+00:00"},
    }
    measured = {
        "dataset": {"documents": 100_000, "zones": 2_000},
        "first_read": {"/": 120.0},
        "measured_at": {"first_read_ms": "2026-12-07T02:00:00+00:00"},
    }

    results = build_results(measured, previous)

    assert results["admin_ms"] == {"/admin/": 100.0}
    assert results["first_read_ms"] == {"/": 120.0}
    assert set(results["measured_at"]) == {"admin_ms", "first_read_ms"}


def test_the_admin_targets_follow_the_page():
    assert admin_target_ms("/admin/policies/policydocument/") == 200
    assert admin_target_ms("/admin/policies/policydocument/1/change/") == 200
    assert admin_target_ms("/admin/policies/policydocument/?q=quantum") == 400
    assert admin_target_ms("/admin/policies/policydocument/?_facets=True") == 1000


def test_only_takes_parts_and_endpoint_names():
    parts, endpoints, sets = selection(parse_args(["--only", "longtail", "--sets", "search"]))
    assert (parts, sets) == (["longtail"], ["search"])

    parts, endpoints, _ = selection(parse_args(["--only", "policy-list-cached,admin"]))
    assert parts == ["fixed", "admin"]
    assert [endpoint.name for endpoint in endpoints] == ["policy-list-cached"]

    with pytest.raises(SystemExit):
        selection(parse_args(["--only", "no-such-part"]))


def test_the_benchmark_sends_no_header_that_changes_what_the_app_does():
    assert set(PROXY_HEADERS) == {"X-Forwarded-Proto"}
    for endpoint in ENDPOINTS:
        assert set(endpoint.headers('"etag"')) <= {"X-Forwarded-Proto", "If-None-Match"}


@pytest.mark.parametrize("table", [t for t in COPY_COLUMNS if not t.startswith("bench_")])
def test_the_generator_writes_every_column_the_database_requires(table):
    """A new NOT NULL column without a database default must be written by the generator too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        required = {name for (name,) in cursor.fetchall()} - {"id"}
    written = {column.strip() for column in COPY_COLUMNS[table].split(",")}
    assert required <= written, f"{table} lacks {sorted(required - written)}"
