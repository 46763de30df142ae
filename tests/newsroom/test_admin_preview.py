"""Previews: staff open a draft as its public page will show it; nobody else can, no cache keeps
it and search engines are told to stay out."""

import pytest

from core.models import Status
from tests import people
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_document():
    zone = ZoneFactory(slug="new-zone", name_en="New Harbour", status=Status.DRAFT)
    document = PolicyDocumentFactory(
        slug="draft-notice", title_en="Draft notice", status=Status.DRAFT, zones=[zone]
    )
    DirectiveFactory(document=document, zone=zone, text_en="Build the new harbour.")
    return document


def test_staff_see_a_draft_document_as_its_public_page_with_its_directives(draft_document):
    response = people.client_for(people.editor()).get("/admin/preview/policies/draft-notice/")

    assert response.status_code == 200
    assert response.context["is_preview"] is True
    assert "Draft notice" in response.text
    assert "Build the new harbour." in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "Preview for staff" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_public_page_of_the_same_draft_is_not_found(draft_document, client):
    assert client.get("/policies/draft-notice/").status_code == 404


def test_a_preview_renders_in_chinese_on_request():
    ZoneFactory(slug="draft-zone", name_zh_hans="新港先导区", status=Status.DRAFT)

    response = people.client_for(people.editor()).get(
        "/admin/preview/zones/draft-zone/?language=zh-hans"
    )

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.text
    assert "新港先导区" in response.text


def test_anonymous_visitors_are_sent_to_log_in(draft_document, client):
    response = client.get("/admin/preview/policies/draft-notice/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize(
    "who", [people.staff_without_permissions, lambda: people.make_user("member", staff=False)]
)
def test_people_who_may_not_view_drafts_are_refused(draft_document, who):
    response = people.client_for(who()).get("/admin/preview/policies/draft-notice/")

    assert response.status_code == 403
    assert "Draft notice" not in response.text


def test_the_change_form_links_to_the_preview():
    zone = ZoneFactory(slug="draft-zone", status=Status.DRAFT)

    page = people.client_for(people.editor()).get(f"/admin/zones/zone/{zone.pk}/change/")

    assert 'href="/admin/preview/zones/draft-zone/?language=en"' in page.text
    assert 'href="/admin/preview/zones/draft-zone/?language=zh-hans"' in page.text
    assert "View on site" not in page.text  # a draft has no public page yet


def test_a_preview_costs_a_bounded_number_of_queries(draft_document, django_assert_max_num_queries):
    client = people.client_for(people.editor())
    client.get("/admin/preview/policies/draft-notice/")
    for position in range(100, 130):
        DirectiveFactory(document=draft_document, position=position)

    with django_assert_max_num_queries(25):
        response = client.get("/admin/preview/policies/draft-notice/")

    assert response.status_code == 200
