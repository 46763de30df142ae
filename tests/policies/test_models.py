import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.dates import DatePrecision
from core.search import search_query
from policies.models import DocumentRelation, PolicyDocument, RelationKind, validate_doc_number
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_a_document_cannot_supersede_itself():
    document = PolicyDocumentFactory()
    document.superseded_by = document

    with pytest.raises(IntegrityError):
        document.save()


def test_a_document_is_published_on_or_after_the_date_written():
    with pytest.raises(IntegrityError):
        PolicyDocumentFactory(
            written_on=datetime.date(2021, 3, 1), issued_on=datetime.date(2021, 2, 19)
        )


def test_a_document_written_to_the_month_can_be_published_later_that_month():
    document = PolicyDocumentFactory(
        written_on=datetime.date(2019, 8, 1),
        written_on_precision=DatePrecision.MONTH,
        issued_on=datetime.date(2019, 8, 20),
    )

    assert str(document.written) == "August 2019"


@pytest.mark.parametrize(
    "number", ["国发〔2017〕35号", "国科发规〔2019〕298号", "工信部科〔2021〕1号"]
)
def test_well_formed_document_numbers_are_accepted(number):
    validate_doc_number(number)


@pytest.mark.parametrize(
    "number", ["国发[2017]35号", "2017-35", "国发〔17〕35号", "国发〔2017〕35", "<b>"]
)
def test_malformed_document_numbers_are_refused_with_an_example(number):
    with pytest.raises(ValidationError, match="国发〔2017〕35号"):
        validate_doc_number(number)


def test_two_documents_cannot_share_a_number_but_many_can_have_none():
    PolicyDocumentFactory(doc_number="国发〔2017〕35号")
    PolicyDocumentFactory(doc_number="")
    PolicyDocumentFactory(doc_number="")

    with pytest.raises(IntegrityError):
        PolicyDocumentFactory(doc_number="国发〔2017〕35号")


def test_a_document_has_one_directive_per_position():
    document = PolicyDocumentFactory()
    DirectiveFactory(document=document, position=1)

    with pytest.raises(IntegrityError):
        DirectiveFactory(document=document, position=1)


def test_a_document_has_one_directive_per_zone():
    document, zone = PolicyDocumentFactory(), ZoneFactory()
    DirectiveFactory(document=document, zone=zone, position=1)

    with pytest.raises(IntegrityError):
        DirectiveFactory(document=document, zone=zone, position=2)


def test_a_document_cannot_relate_to_itself():
    document = PolicyDocumentFactory()

    with pytest.raises(IntegrityError):
        DocumentRelation.objects.create(
            from_document=document, to_document=document, kind=RelationKind.CITES
        )


def test_a_documents_search_covers_its_directives_as_they_change():
    document = PolicyDocumentFactory(title_en="Notice")
    directive = DirectiveFactory(document=document, text_en="Build the smart harbour.")
    found = PolicyDocument.objects.filter(search_vector=search_query("harbour"))
    assert list(found) == [document]

    directive.delete()

    assert not PolicyDocument.objects.filter(search_vector=search_query("harbour")).exists()


def test_a_saved_document_keeps_its_body_as_sanitised_html_in_each_language():
    document = PolicyDocumentFactory(
        body_en="Read **this** <script>alert(1)</script>", body_zh_hans="第一条"
    )
    document.refresh_from_db()
    assert "<strong>this</strong>" in document.body_html_en
    assert "<script" not in document.body_html_en
    assert document.body_html_zh_hans == "<p>第一条</p>"

    document.body_en = "Changed"
    document.save(update_fields=["body_en"])
    document.refresh_from_db()
    assert document.body_html_en == "<p>Changed</p>"
