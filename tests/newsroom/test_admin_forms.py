"""The admin's forms: dates as precise as the source, and every broken rule a clear form error,
never a server error."""

import datetime

import pytest
from django.conf import settings

from core.dates import DatePrecision
from core.models import Status
from policies.models import PolicyDocument
from tests import people
from tests.factories import (
    AuthorityFactory,
    BatchFactory,
    DirectiveFactory,
    PolicyDocumentFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


def post_change(client, record, url, **changes):
    data = people.changeform_data(client.get(f"{url}{record.pk}/change/")) | changes
    return client.post(f"{url}{record.pk}/change/", data)


@pytest.mark.parametrize(
    ("typed", "stored", "precision"),
    [
        ("2021-02-19", datetime.date(2021, 2, 19), DatePrecision.DAY),
        ("2021-02", datetime.date(2021, 2, 1), DatePrecision.MONTH),
        ("2021", datetime.date(2021, 1, 1), DatePrecision.YEAR),
        ("2021年2月", datetime.date(2021, 2, 1), DatePrecision.MONTH),
        ("2021/2/9", datetime.date(2021, 2, 9), DatePrecision.DAY),
    ],
)
def test_one_date_box_reads_a_day_a_month_or_a_year(typed, stored, precision):
    zone = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(client, zone, "/admin/zones/zone/", approved=typed)

    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.approved_on, zone.approved_on_precision) == (stored, precision)


def test_the_date_box_shows_a_stored_date_at_its_precision():
    zone = ZoneFactory(approved_on=datetime.date(2019, 8, 1), approved_on_precision="month")

    page = people.client_for(people.editor()).get(f"/admin/zones/zone/{zone.pk}/change/")

    assert 'name="approved" value="2019-08"' in page.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("19/02/2021", "Enter the date as 2021-02-19"),
        ("2021-02-30", "is not a date in the calendar"),
        ("10000-01-01", "Enter the date as 2021-02-19"),
        ("1800", "Enter a year between"),
        ("2021-02-19\x00", "Enter the date as 2021-02-19"),
    ],
)
def test_an_unreadable_date_is_a_form_error(typed, message):
    zone = ZoneFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(client, zone, "/admin/zones/zone/", approved=typed)

    assert response.status_code == 200
    assert message in response.text


def test_a_document_published_before_it_was_written_is_a_form_error():
    document = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(
        client,
        document,
        "/admin/policies/policydocument/",
        written="2021-03-01",
        issued="2021-02-19",
    )

    assert response.status_code == 200
    assert "A document is published on or after the date written." in response.text


def test_a_document_cannot_supersede_itself():
    document = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(
        client, document, "/admin/policies/policydocument/", superseded_by=str(document.pk)
    )

    assert response.status_code == 200
    assert "A document cannot supersede itself." in response.text


@pytest.mark.parametrize(
    "number", ["国发[2017]35号", "2017-35", "国发〔17〕35号", "国发〔2017〕35"]
)
def test_a_malformed_document_number_is_a_form_error(number):
    document = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(client, document, "/admin/policies/policydocument/", doc_number=number)

    assert response.status_code == 200
    assert "e.g. 国发〔2017〕35号" in response.text
    assert PolicyDocument.objects.get(pk=document.pk).doc_number == ""


def test_a_well_formed_document_number_is_saved():
    document = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(
        client, document, "/admin/policies/policydocument/", doc_number="国发〔2017〕35号"
    )

    assert response.status_code == 302
    assert PolicyDocument.objects.get(pk=document.pk).doc_number == "国发〔2017〕35号"


def test_a_document_number_already_taken_is_a_form_error():
    PolicyDocumentFactory(doc_number="工信部科〔2021〕23号")
    document = PolicyDocumentFactory(status=Status.DRAFT)
    client = people.client_for(people.editor())

    response = post_change(
        client, document, "/admin/policies/policydocument/", doc_number="工信部科〔2021〕23号"
    )

    assert response.status_code == 200
    assert "Another document already has this number." in response.text


def test_two_directives_for_one_zone_are_a_form_error_not_a_crash():
    directive = DirectiveFactory(document__status=Status.DRAFT)
    document = directive.document
    client = people.client_for(people.editor())

    response = post_change(
        client,
        document,
        "/admin/policies/policydocument/",
        **{
            "directives-TOTAL_FORMS": "2",
            "directives-1-zone": str(directive.zone_id),
            "directives-1-position": "9",
            "directives-1-text_en": "The same zone again.",
        },
    )

    assert response.status_code == 200
    assert document.directives.count() == 1


def test_a_batch_of_another_program_is_a_form_error():
    zone = ZoneFactory(status=Status.DRAFT)
    other_batch = BatchFactory()
    client = people.client_for(people.editor())

    response = post_change(client, zone, "/admin/zones/zone/", batch=str(other_batch.pk))

    assert response.status_code == 200
    assert "The batch belongs to another program." in response.text


def test_a_new_record_starts_as_a_draft_whatever_is_posted():
    zone = ZoneFactory()
    client = people.client_for(people.editor())

    client.post(
        "/admin/zones/zone/add/",
        {
            "name_en": "Posted as published",
            "slug": "posted-as-published",
            "program": zone.program_id,
            "province": zone.province_id,
            "status": "published",
        },
    )

    assert Zone.objects.get(slug="posted-as-published").status == Status.DRAFT


def test_search_finds_records_by_their_chinese_name():
    ZoneFactory(name_en="Harbour", name_zh_hans="海港")
    ZoneFactory(name_en="Valley", name_zh_hans="山谷")
    AuthorityFactory(name_en="Ministry of Industry", name_zh_hans="工业和信息化部")

    zones = people.client_for(people.editor()).get("/admin/zones/zone/", {"q": "海港"})
    authorities = people.client_for(people.editor("other")).get(
        "/admin/zones/authority/", {"q": "信息化"}
    )

    assert [zone.name_en for zone in zones.context["cl"].result_list] == ["Harbour"]
    assert authorities.context["cl"].result_count == 1


@pytest.mark.parametrize(
    ("language", "words"), [("en", "e.g. 天津（滨海新区）"), ("zh-hans", "例如：天津（滨海新区）")]
)
def test_the_chinese_name_box_gives_a_chinese_example(language, words):
    client = people.client_for(people.superuser())

    form = (
        client.get("/admin/zones/zone/add/", HTTP_ACCEPT_LANGUAGE=language)
        .context["adminform"]
        .form
    )

    assert form["name_zh_hans"].help_text == words
    assert "天津（滨海新区）" not in form["name_en"].help_text


def test_every_chinese_example_in_the_newsroom_is_a_name_from_the_register():
    from django.contrib import admin

    data = (settings.BASE_DIR / "data" / "pilot-zones.json").read_text(encoding="utf-8")
    examples = {
        f"{model.__name__}.{field}": example
        for model, model_admin in admin.site._registry.items()
        for field, example in getattr(model_admin, "chinese_examples", {}).items()
    }

    assert len(examples) >= 8
    assert {name: example for name, example in examples.items() if f'"{example}"' not in data} == {}
