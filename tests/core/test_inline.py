"""A document or a zone read for its page brings the lists the page shows in its own query,
filtered and ordered as the page needs them, in the reader's language."""

import datetime

import pytest
from django.utils import translation

from core.models import Status
from policies.models import PolicyDocument, Validity
from public.views.zones import ZoneDetailView
from tests.factories import (
    AuthorityFactory,
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    PrincipleFactory,
    ProgramFactory,
    SourceFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    program = ProgramFactory(name_en="Innovation zones", short_name_en="Innovation")
    draft_program = ProgramFactory(name_en="Secret program", status=Status.DRAFT)
    document = PolicyDocumentFactory(slug="plan", issued_on=datetime.date(2024, 5, 1))
    document.authorities.set(
        [
            AuthorityFactory(name_en="State Council", name_zh_hans="国务院"),
            AuthorityFactory(name_en="Ministry of Science", name_zh_hans="科学技术部"),
        ]
    )
    harbour = ZoneFactory(name_en="Harbour", name_zh_hans="港口", program=program)
    hidden = ZoneFactory(name_en="Hidden", program=program, status=Status.DRAFT)
    document.zones.set([harbour, hidden])
    document.programs.set([program, draft_program])
    robots = FocusAreaFactory(name_en="Robots")
    DirectiveFactory(document=document, zone=harbour, position=2, text_en="Build robots.")
    DirectiveFactory(document=document, zone=hidden, position=1, text_en="Hide.")
    document.directives.get(position=2).focus_areas.set([robots])
    PrincipleFactory(document=document, position=2, text_en="Second")
    PrincipleFactory(document=document, position=1, text_en="First")
    PolicyDocumentFactory(
        slug="old", title_en="Old plan", validity=Validity.REPEALED, superseded_by=document
    )
    PolicyDocumentFactory(slug="older-draft", superseded_by=document, status=Status.DRAFT)
    document.sources.set([SourceFactory(title="Gazette")])
    return document


def test_the_page_s_lists_come_with_the_document_in_one_query(document, django_assert_num_queries):
    with django_assert_num_queries(1):
        read = PolicyDocument.objects.published().for_detail().get(slug="plan")
        authorities = [authority.name for authority in read.authorities.all()]
        zones = [(zone.name, zone.program.short_name) for zone in read.zones.all()]
        programs = [program.name for program in read.programs.all()]
        principles = [principle.text for principle in read.principles.all()]
        directives = [
            (directive.zone.name, [area.name for area in directive.focus_areas.all()])
            for directive in read.directives.all()
        ]
        supersedes = [(older.title, older.issued) for older in read.supersedes.all()]
        sources = [source.title for source in read.sources.all()]

    assert authorities == ["Ministry of Science", "State Council"]
    assert zones == [("Harbour", "Innovation")]
    assert programs == ["Innovation zones"]
    assert principles == ["First", "Second"]
    assert directives == [("Harbour", ["Robots"])]
    assert supersedes == [("Old plan", PolicyDocument.objects.get(slug="old").issued)]
    assert sources == ["Gazette"]


def test_the_lists_read_with_the_document_speak_the_reader_s_language(document):
    with translation.override("zh-hans"):
        read = PolicyDocument.objects.published().for_detail().get(slug="plan")
        names = [authority.name for authority in read.authorities.all()]
        zones = [zone.name for zone in read.zones.all()]

    # Sorted by their English names, as on the English page.
    assert names == ["科学技术部", "国务院"]
    assert zones == ["港口"]


def test_a_zone_read_for_its_page_brings_its_focus_areas_and_sources_in_one_query(
    django_assert_num_queries,
):
    zone = ZoneFactory(slug="harbour")
    zone.focus_areas.set([FocusAreaFactory(name_en="Robots"), FocusAreaFactory(name_en="Chips")])
    zone.sources.set([SourceFactory(title="Notice"), SourceFactory(title="Gazette")])

    with django_assert_num_queries(1):
        read = Zone.objects.published().for_detail().get(slug="harbour")
        areas = [area.name for area in read.focus_areas.all()]
        sources = [source.title for source in read.sources.all()]
        program = read.program.name

    assert areas == ["Chips", "Robots"]
    assert sources == ["Gazette", "Notice"]
    assert program == zone.program.name


def test_a_zone_read_for_its_page_brings_its_latest_documents_and_leaves_the_rest_unread():
    zone = ZoneFactory(slug="harbour")
    for day in range(1, 26):
        PolicyDocumentFactory(slug=f"notice-{day}", issued_on=datetime.date(2024, 1, day))
    zone.documents.set(PolicyDocument.objects.all())

    read = ZoneDetailView.queryset.get(slug="harbour")

    assert [document.slug for document in read.latest_documents] == [
        f"notice-{day}" for day in range(25, 5, -1)
    ]
    # The relation itself is not cut to the latest twenty.
    assert read.documents.count() == 25
