"""The benchmark's pieces that must stay in step with the app: the floor view and the generator's
set-based search vectors."""

import pytest
from django.db import connection
from django.test import override_settings

from bench.generate import (
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
