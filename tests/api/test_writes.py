"""Writes by trusted clients: drafts, the workflow, and never overwriting a colleague unseen."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import Status
from core.services import working_copy_of
from policies.models import PolicyDocument
from tests.api.support import client_for
from zones.models import Zone

pytestmark = pytest.mark.django_db

NEW_ZONE = {
    "slug": "xiongan",
    "name_en": "Xiong'an New Area",
    "name_zh_hans": "雄安新区",
    "program": "miit",
    "batch": 2,
    "province": "beijing",
    "approved_on": "2021-02-01",
    "approved_on_precision": "month",
    "latitude": 39.05,
    "longitude": 115.98,
    "focus_areas": ["smart-city", "smart-port"],
    "summary_en": "A draft written through the API.",
}


@pytest.fixture
def editor(users):
    return client_for(users["editor"])


@pytest.fixture
def publisher(users):
    return client_for(users["publisher"])


def test_an_editor_creates_a_draft_the_public_cannot_see(api, editor):
    response = editor.post("/api/v1/zones/", NEW_ZONE, format="json")

    assert response.status_code == 201, response.json()
    assert response["Location"] == "http://testserver/api/v1/zones/xiongan/"
    assert response["ETag"].startswith('"v1-')
    created = response.json()
    assert created["status"] == "draft"
    assert created["batch"]["key"] == "miit~2"
    assert [area["slug"] for area in created["focus_areas"]] == ["smart-city", "smart-port"]
    assert created["approved"] == "2021-02"
    assert api.get("/api/v1/zones/xiongan/").status_code == 404
    assert Zone.history.filter(slug="xiongan").exists()


def test_a_new_record_is_a_draft_whatever_status_the_client_sends(editor):
    response = editor.post("/api/v1/zones/", {**NEW_ZONE, "status": "published"}, format="json")

    assert response.json()["status"] == "draft"


def test_a_change_needs_the_version_it_was_based_on(editor):
    etag = editor.post("/api/v1/zones/", NEW_ZONE, format="json")["ETag"]

    missing = editor.patch("/api/v1/zones/xiongan/", {"summary_en": "No If-Match."}, format="json")
    changed = editor.patch(
        "/api/v1/zones/xiongan/", {"summary_en": "Checked."}, format="json", HTTP_IF_MATCH=etag
    )

    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    assert changed.status_code == 200
    assert changed.json()["summary_en"] == "Checked."
    assert changed["ETag"].startswith('"v2-')


def test_a_stale_if_match_is_a_412_and_changes_nothing(editor, users):
    etag = editor.post("/api/v1/zones/", NEW_ZONE, format="json")["ETag"]
    colleague = client_for(users["superuser"])
    colleague.patch(
        "/api/v1/zones/xiongan/", {"summary_en": "Theirs."}, format="json", HTTP_IF_MATCH=etag
    )
    before = Zone.objects.get(slug="xiongan")

    response = editor.patch(
        "/api/v1/zones/xiongan/",
        {"summary_en": "Mine.", "focus_areas": ["smart-port"]},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    after = Zone.objects.get(slug="xiongan")
    assert after.summary_en == "Theirs."
    assert after.version == before.version == 2
    assert list(after.focus_areas.values_list("slug", flat=True)) == ["smart-city", "smart-port"]


def test_a_stale_version_in_the_body_is_a_412_too(editor):
    editor.post("/api/v1/zones/", NEW_ZONE, format="json")

    stale = editor.patch("/api/v1/zones/xiongan/", {"name_en": "X", "version": 7}, format="json")
    current = editor.patch("/api/v1/zones/xiongan/", {"name_en": "X", "version": 1}, format="json")

    assert stale.status_code == 412
    assert current.status_code == 200
    assert Zone.objects.get(slug="xiongan").name_en == "X"


def test_a_whole_record_is_replaced_with_put(editor):
    etag = editor.post("/api/v1/zones/", NEW_ZONE, format="json")["ETag"]
    replacement = {**NEW_ZONE, "name_en": "Xiong'an", "batch": None, "focus_areas": []}

    response = editor.put("/api/v1/zones/xiongan/", replacement, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response.json()["batch"] is None
    assert response.json()["focus_areas"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"approved_on": "2021-02-19", "approved_on_precision": "month"}, "non_field_errors"),
        ({"program": "nowhere"}, "program"),
        ({"batch": 9}, "batch"),
        ({"slug": "miit-beijing"}, "slug"),
        ({"slug": "not a slug"}, "slug"),
        ({"latitude": 95}, "latitude"),
        ({"focus_areas": ["nowhere"]}, "focus_areas"),
        ({"name_en": "x" * 500}, "name_en"),
    ],
)
def test_invalid_data_is_a_400_naming_the_field(editor, change, field):
    response = editor.post("/api/v1/zones/", {**NEW_ZONE, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_data"
    assert field in response.json()["error"]["details"]
    assert not Zone.objects.filter(slug="xiongan").exists()


def test_an_editors_change_to_a_public_record_waits_while_the_live_record_serves(api, editor):
    etag = editor.get("/api/v1/zones/miit-beijing/")["ETag"]
    live_summary = Zone.objects.get(slug="miit-beijing").summary_en

    response = editor.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Rewritten."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    # Accepted into the working copy: nothing an editor writes reaches the public unreviewed,
    # and the record stays on the public site as it was.
    assert response.status_code == 202
    assert response.json()["status"] == "published"
    assert response.json()["summary_en"] == live_summary
    public = api.get("/api/v1/zones/miit-beijing/")
    assert public.status_code == 200
    assert public.json()["summary_en"] == live_summary


def test_a_publishers_change_to_a_public_record_stays_public(api, publisher):
    etag = publisher.get("/api/v1/zones/miit-beijing/")["ETag"]

    response = publisher.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Rewritten."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert api.get("/api/v1/zones/miit-beijing/").json()["summary_en"] == "Rewritten."


def test_the_workflow_submit_publish_withdraw(api, editor, publisher):
    editor.post("/api/v1/zones/", NEW_ZONE, format="json")

    submitted = editor.post("/api/v1/zones/xiongan/submit/")
    not_allowed = editor.post("/api/v1/zones/xiongan/publish/")
    published = publisher.post("/api/v1/zones/xiongan/publish/")

    assert submitted.json()["status"] == "review"
    assert not_allowed.status_code == 403
    assert published.json()["status"] == "published"
    assert api.get("/api/v1/zones/xiongan/").status_code == 200

    since = timezone.now()
    assert publisher.post("/api/v1/zones/xiongan/withdraw/").json()["status"] == "withdrawn"
    assert api.get("/api/v1/zones/xiongan/").status_code == 404
    changes = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]
    assert {"key": "xiongan", "action": "withdrawn"}.items() <= changes[0].items()


def test_a_publisher_schedules_a_record_for_later(api, editor, publisher):
    editor.post("/api/v1/zones/", NEW_ZONE, format="json")
    later = timezone.now() + datetime.timedelta(days=2)

    response = publisher.post(
        "/api/v1/zones/xiongan/publish/", {"go_live_at": later.isoformat()}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert api.get("/api/v1/zones/xiongan/").status_code == 404
    Zone.objects.filter(slug="xiongan").update(go_live_at=timezone.now())
    assert api.get("/api/v1/zones/xiongan/").status_code == 200


def test_submitting_a_published_record_is_a_409(publisher):
    response = publisher.post("/api/v1/zones/miit-beijing/submit/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"


def test_a_status_change_with_a_stale_if_match_is_a_412(publisher):
    stale = '"v0-0"'

    response = publisher.post("/api/v1/zones/miit-beijing/withdraw/", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert Zone.objects.get(slug="miit-beijing").status == Status.PUBLISHED


def test_an_editor_writes_a_policy_document(editor):
    document = {
        "slug": "new-plan",
        "title_en": "A new plan",
        "title_zh_hans": "新规划",
        "doc_number": "工信部科〔2026〕1号",
        "doc_type": "plan",
        "authorities": ["miit", "most"],
        "issued_on": "2026-03-01",
        "zones": ["miit-beijing"],
        "batch": "miit~2",
        "body_en": "The text.",
    }

    response = editor.post("/api/v1/policies/", document, format="json")

    assert response.status_code == 201, response.json()
    created = PolicyDocument.objects.get(slug="new-plan")
    assert created.status == Status.DRAFT
    assert sorted(created.authorities.values_list("slug", flat=True)) == ["miit", "most"]
    assert created.batch.number == 2
    assert response.json()["body_en"] == "The text."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"doc_number": "35号"}, "doc_number"),
        ({"authorities": []}, "authorities"),
        ({"written_on": "2026-04-01", "issued_on": "2026-03-01"}, "non_field_errors"),
        ({"batch": "miit~9"}, "batch"),
        ({"doc_type": "poem"}, "doc_type"),
    ],
)
def test_an_invalid_policy_document_is_a_400(editor, change, field):
    document = {"slug": "bad", "title_en": "Bad", "authorities": ["miit"], **change}

    response = editor.post("/api/v1/policies/", document, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_anonymous_writes_are_refused_with_401(api):
    response = api.post("/api/v1/zones/", NEW_ZONE, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_no_longer_works(api, users):
    client = client_for(users["editor"])
    Token.objects.filter(user=users["editor"]).delete()

    response = client.post("/api/v1/zones/", NEW_ZONE, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_session_write_needs_the_csrf_token(api, users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="editor"))

    refused = browser.post("/api/v1/zones/", NEW_ZONE, content_type="application/json")
    browser.get("/api/docs/?script=")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/zones/", NEW_ZONE, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    assert accepted.status_code == 201


def test_a_body_that_is_not_json_is_a_415(editor):
    response = editor.post(
        "/api/v1/zones/", "slug=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_body_too_large_is_a_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = editor.post("/api/v1/zones/", {**NEW_ZONE, "summary_en": "x" * 2000}, format="json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_malformed_json_is_a_400(editor):
    response = editor.post("/api/v1/zones/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_a_patch_based_on_an_older_working_copy_is_a_412(editor, users):
    live_etag = editor.get("/api/v1/zones/miit-beijing/")["ETag"]
    first = editor.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Mine."},
        format="json",
        HTTP_IF_MATCH=live_etag,
    )
    colleague = client_for(users["superuser"])
    colleague_etag = colleague.get("/api/v1/zones/miit-beijing/")["ETag"]
    theirs = colleague.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Theirs."},
        format="json",
        HTTP_IF_MATCH=colleague_etag,
    )

    stale = editor.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Mine, again."},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )

    assert first.status_code == 202
    assert theirs.status_code == 202
    assert stale.status_code == 412
    working_copy = working_copy_of(Zone.objects.get(slug="miit-beijing"))
    assert working_copy.snapshot["fields"]["summary_en"] == "Theirs."
    # The live version's ETag alone no longer covers what a write would change.
    assert (
        editor.patch(
            "/api/v1/zones/miit-beijing/",
            {"summary_en": "X"},
            format="json",
            HTTP_IF_MATCH=live_etag,
        ).status_code
        == 412
    )


def test_the_public_etag_of_a_record_does_not_change_with_its_working_copy(api, editor):
    before = api.get("/api/v1/zones/miit-beijing/")["ETag"]
    etag = editor.get("/api/v1/zones/miit-beijing/")["ETag"]
    editor.patch(
        "/api/v1/zones/miit-beijing/", {"summary_en": "Mine."}, format="json", HTTP_IF_MATCH=etag
    )

    assert api.get("/api/v1/zones/miit-beijing/")["ETag"] == before


def test_a_body_version_of_a_record_with_a_working_copy_must_be_the_working_copys(editor, users):
    live_version = Zone.objects.get(slug="miit-beijing").version
    first = editor.patch(
        "/api/v1/zones/miit-beijing/", {"summary_en": "Mine.", "version": live_version}, "json"
    )
    colleague = client_for(users["superuser"]).patch(
        "/api/v1/zones/miit-beijing/",
        {
            "summary_en": "Theirs.",
            "version": working_copy_of(Zone.objects.get(slug="miit-beijing")).version,
        },
        "json",
    )
    read = editor.get("/api/v1/zones/miit-beijing/")
    working_version = working_copy_of(Zone.objects.get(slug="miit-beijing")).version

    # The live version alone, or the working copy's before the colleague's change: refused.
    based_on_live = editor.patch(
        "/api/v1/zones/miit-beijing/", {"summary_en": "X", "version": live_version}, "json"
    )
    based_on_older = editor.patch(
        "/api/v1/zones/miit-beijing/", {"summary_en": "X", "version": working_version - 1}, "json"
    )
    current = editor.patch(
        "/api/v1/zones/miit-beijing/",
        {"summary_en": "Mine, again.", "version": working_version},
        "json",
    )

    assert first.status_code == colleague.status_code == 202
    assert read["ETag"].startswith(f'"v{live_version}.{working_version}-')
    assert based_on_live.status_code == based_on_older.status_code == 412
    assert current.status_code == 202
    zone = Zone.objects.get(slug="miit-beijing")
    assert zone.version == live_version
    assert working_copy_of(zone).snapshot["fields"]["summary_en"] == "Mine, again."


def test_a_second_patch_to_a_working_copy_keeps_the_fields_the_first_changed(editor):
    live_version = Zone.objects.get(slug="miit-beijing").version
    editor.patch(
        "/api/v1/zones/miit-beijing/", {"summary_en": "Mine.", "version": live_version}, "json"
    )
    working_version = working_copy_of(Zone.objects.get(slug="miit-beijing")).version

    second = editor.patch(
        "/api/v1/zones/miit-beijing/",
        {"city_en": "Beijing Economic-Technological Area", "version": working_version},
        "json",
    )

    assert second.status_code == 202
    fields = working_copy_of(Zone.objects.get(slug="miit-beijing")).snapshot["fields"]
    assert fields["summary_en"] == "Mine."
    assert fields["city_en"] == "Beijing Economic-Technological Area"
