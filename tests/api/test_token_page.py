"""A member of the newsroom issues and revokes their own API token on an admin page, and a
program writes with it until it is revoked."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.support import editor_permissions, make_user

pytestmark = pytest.mark.django_db

PAGE = "/admin/my-api-token/"
NEW_ZONE = {
    "slug": "xiongan",
    "name_en": "Xiong'an New Area",
    "program": "miit",
    "batch": 2,
    "province": "beijing",
    "approved_on": "2021-02-01",
    "approved_on_precision": "month",
}


def browser_of(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def program_with(key) -> APIClient:
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return program


def test_an_editor_issues_a_token_writes_with_it_and_revokes_it(api):
    editor = make_user("token-editor", editor_permissions())
    browser = browser_of(editor)
    assert "You have no API token." in browser.get(PAGE).text

    issued = browser.post(PAGE, {"action": "issue"})

    key = Token.objects.get(user=editor).key
    assert issued.status_code == 200
    assert key in issued.text
    assert "no-store" in issued["Cache-Control"]
    assert key not in browser.get(PAGE).text
    written = program_with(key).post("/api/v1/zones/", NEW_ZONE, format="json")
    assert written.status_code == 201, written.json()

    revoked = browser.post(PAGE, {"action": "revoke"}, follow=True)

    assert "Your API token was revoked" in revoked.text
    assert not Token.objects.filter(user=editor).exists()
    refused = program_with(key).post(
        "/api/v1/zones/", {**NEW_ZONE, "slug": "xiongan-2"}, format="json"
    )
    assert refused.status_code == 401


def test_replacing_a_token_stops_the_old_key(api):
    editor = make_user("token-editor", editor_permissions())
    browser = browser_of(editor)
    browser.post(PAGE, {"action": "issue"})
    old_key = Token.objects.get(user=editor).key

    browser.post(PAGE, {"action": "issue"})

    assert Token.objects.get(user=editor).key != old_key
    assert program_with(old_key).post("/api/v1/zones/", NEW_ZONE, format="json").status_code == 401


def test_a_person_sees_and_revokes_only_their_own_token(api):
    editor = make_user("token-editor", editor_permissions())
    colleague = make_user("colleague", editor_permissions())
    theirs = Token.objects.create(user=colleague)
    browser = browser_of(editor)

    page = browser.get(PAGE)
    browser.post(PAGE, {"action": "revoke"})

    assert "You have no API token." in page.text
    assert theirs.key not in page.text
    assert Token.objects.filter(key=theirs.key).exists()


def test_an_unknown_action_is_a_400_that_changes_nothing(api):
    editor = make_user("token-editor", editor_permissions())
    mine = Token.objects.create(user=editor)

    response = browser_of(editor).post(PAGE, {"action": "delete-everyone"})

    assert response.status_code == 400
    assert Token.objects.filter(key=mine.key).exists()


@pytest.mark.parametrize(
    ("language", "label"), [("en", "My API token"), ("zh-hans", "我的 API 令牌")]
)
def test_the_user_menu_links_to_the_token_page(api, language, label):
    editor = make_user("token-editor", editor_permissions())

    index = browser_of(editor).get("/admin/", HTTP_ACCEPT_LANGUAGE=language)

    assert f'<a href="{PAGE}">{label}</a>' in index.text
