"""No text an editor types, in English or Chinese, runs as script in the admin or on the pages
it renders: every field is escaped, and Markdown bodies are sanitised."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Status
from core.text import render_markdown
from tests import people
from tests.factories import (
    AuthorityFactory,
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    PrincipleFactory,
    ZoneFactory,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "en": '<script>alert("en")</script>"><img src=x onerror=alert(1)><svg onload=alert(2)>',
    "zh": (
        "<script>alert('中文')</script>”><img src=x onerror=alert('先导区')>"
        '<a href="javascript:alert(3)">链接</a>'
    ),
}
MARKDOWN = (
    "[click](javascript:alert(4)) <script>alert(5)</script> <iframe src=//evil></iframe> "
    '<a href="javascript:alert(6)">x</a> ![img](x" onerror="alert(7))'
)
# What must never reach a page unescaped.
DANGEROUS = [
    "<script>alert",
    "<img src=x onerror",
    "<svg onload",
    'href="javascript:',
    "href='javascript:",
    "<iframe",
    'onerror="alert',
]


def assert_safe(html: str, where: str):
    lowered = html.lower()
    for marker in DANGEROUS:
        assert marker.lower() not in lowered, f"{marker!r} reached {where} unescaped"


@pytest.fixture
def hostile_register():
    focus = FocusAreaFactory(name_en=PAYLOADS["en"], name_zh_hans=PAYLOADS["zh"])
    authority = AuthorityFactory(name_en=PAYLOADS["en"], name_zh_hans=PAYLOADS["zh"])
    zone = ZoneFactory(
        slug="hostile-zone",
        name_en=PAYLOADS["en"],
        name_zh_hans=PAYLOADS["zh"],
        city_en=PAYLOADS["en"],
        city_zh_hans=PAYLOADS["zh"],
        summary_en=PAYLOADS["en"],
        summary_zh_hans=PAYLOADS["zh"],
        focus_areas=[focus],
        status=Status.DRAFT,
    )
    document = PolicyDocumentFactory(
        slug="hostile-document",
        title_en=PAYLOADS["en"],
        title_zh_hans=PAYLOADS["zh"],
        summary_en=PAYLOADS["en"],
        summary_zh_hans=PAYLOADS["zh"],
        body_en=MARKDOWN,
        body_zh_hans=MARKDOWN + PAYLOADS["zh"],
        authorities=[authority],
        zones=[zone],
        focus_areas=[focus],
        status=Status.REVIEW,
    )
    DirectiveFactory(
        document=document, zone=zone, text_en=PAYLOADS["en"], text_zh_hans=PAYLOADS["zh"]
    )
    PrincipleFactory(document=document, text_en=PAYLOADS["en"], text_zh_hans=PAYLOADS["zh"])
    # A second version, so history and compare pages show the payloads as a diff.
    document.summary_en = PAYLOADS["zh"] + PAYLOADS["en"]
    document.save()
    zone.summary_en = PAYLOADS["zh"]
    zone.save()
    return zone, document


def test_admin_pages_escape_every_field_in_both_languages(hostile_register):
    zone, document = hostile_register
    client = people.client_for(people.publisher())
    pages = [
        "/admin/",
        "/admin/zones/zone/",
        f"/admin/zones/zone/{zone.pk}/change/",
        f"/admin/zones/zone/{zone.pk}/history/",
        f"/admin/zones/zone/{zone.pk}/history/compare/?old=1",
        f"/admin/zones/zone/{zone.pk}/history/1/revert/",
        f"/admin/zones/zone/{zone.pk}/workflow/schedule/",
        "/admin/zones/focusarea/",
        "/admin/zones/authority/",
        "/admin/policies/policydocument/",
        f"/admin/policies/policydocument/{document.pk}/change/",
        f"/admin/policies/policydocument/{document.pk}/history/",
        f"/admin/policies/policydocument/{document.pk}/history/compare/?old=1",
        "/admin/policies/directive/",
        "/admin/policies/principle/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe(response.text, url)
    # The payload is there, shown as text.
    assert "&lt;script&gt;alert(&#x27;中文&#x27;)&lt;/script&gt;" in client.get(pages[2]).text


def test_bulk_confirmation_and_messages_escape_record_names(hostile_register):
    zone, _document = hostile_register
    client = people.client_for(people.publisher())
    selection = {"action": "withdraw_selected", "_selected_action": [zone.pk]}

    confirmation = client.post("/admin/zones/zone/", selection)
    refusal = client.post("/admin/zones/zone/", selection | {"confirm": "yes"}, follow=True)

    assert_safe(confirmation.text, "the bulk confirmation")
    assert_safe(refusal.text, "the message about skipped records")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_previews_and_public_pages_escape_and_sanitise(hostile_register, client, language):
    zone, document = hostile_register
    staff = people.client_for(people.editor())
    pages = [
        f"/admin/preview/zones/{zone.slug}/?language={language}",
        f"/admin/preview/policies/{document.slug}/?language={language}",
    ]
    for url in pages:
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_safe(response.text, url)

    zone.status = document.status = Status.PUBLISHED
    zone.save()
    document.save()
    prefix = "" if language == "en" else "/zh-hans"
    for url in [f"{prefix}/zones/{zone.slug}/", f"{prefix}/policies/{document.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe(response.text, url)


def test_markdown_bodies_keep_their_text_and_lose_their_script():
    html = render_markdown(MARKDOWN + "\n\n**加粗** 与 [链接](https://example.org)")

    assert_safe(html, "rendered Markdown")
    assert "javascript:" not in html
    assert "<strong>加粗</strong>" in html
    assert 'href="https://example.org"' in html


def test_the_import_preview_escapes_hostile_cells():
    ZoneFactory(slug="target", program__slug="miit", province__slug="tianjin")
    client = people.client_for(people.editor())
    content = (
        "slug,name_en,name_zh_hans,program,province\n"
        f'target,"{PAYLOADS["en"].replace(chr(34), chr(34) * 2)}",'
        f'"{PAYLOADS["zh"].replace(chr(34), chr(34) * 2)}",miit,tianjin\n'
    ).encode()

    response = client.post(
        "/admin/zones/zone/import/",
        {"import_file": SimpleUploadedFile("zones.csv", content), "format": "0"},
    )

    assert response.status_code == 200
    assert response.context["result"].rows
    assert_safe(response.text, "the import preview")


def test_comments_show_as_text_on_the_change_form_the_log_and_the_index():
    zone = ZoneFactory(slug="commented-zone", status=Status.REVIEW)
    editor = people.editor()
    client = people.client_for(editor)
    content_type = ContentType.objects.get_for_model(Zone)
    for payload in PAYLOADS.values():
        client.post(f"/admin/comments/{content_type.pk}/{zone.pk}/", {"text": payload})
    publisher = people.client_for(people.publisher())

    for url in [f"/admin/zones/zone/{zone.pk}/change/", "/admin/core/logevent/", "/admin/"]:
        response = publisher.get(url)
        assert response.status_code == 200, url
        assert_safe(response.text, url)
    change_form = publisher.get(f"/admin/zones/zone/{zone.pk}/change/").text
    assert "&lt;script&gt;alert(&#x27;中文&#x27;)&lt;/script&gt;" in change_form
