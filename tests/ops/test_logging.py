"""The request log: one JSON line per request with its id, and no credential anywhere in it."""

import json
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.support import editor_permissions, make_user
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def request_lines(lines):
    return [line for line in lines() if line["logger"] == "core.requests"]


def test_each_request_writes_one_line_with_method_path_status_duration_and_id(client, log_lines):
    response = client.get("/zones/", {"q": "port"})

    [line] = request_lines(log_lines)
    assert line["method"] == "GET"
    assert line["path"] == "/zones/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert "port" not in log_lines.text(), "query strings are not logged"


def test_a_well_formed_incoming_request_id_is_kept_and_echoed(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c0e-41d2"})

    assert response["X-Request-ID"] == "lb-7f3a9c0e-41d2"
    assert request_lines(log_lines)[0]["request_id"] == "lb-7f3a9c0e-41d2"


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces in it", "x" * 129, '"><script>', "id\r\nSet-Cookie: a=b", "ünïcode"],
)
def test_a_malformed_incoming_request_id_is_replaced(client, log_lines, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert request_lines(log_lines)[0]["request_id"] == response["X-Request-ID"]


def test_passwords_tokens_and_cookies_never_reach_the_log(client, log_lines):
    password = "Correct-Horse-Battery-4417"
    wrong_password = "Wrong-Staple-Battery-9921"
    api_token = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    get_user_model().objects.create_user(
        "editor-for-logs", password=password, is_staff=True, is_superuser=True
    )

    failed = client.post(
        "/admin/login/", {"username": "editor-for-logs", "password": wrong_password}
    )
    signed_in = client.post("/admin/login/", {"username": "editor-for-logs", "password": password})
    session_key = client.cookies["sessionid"].value
    client.get("/admin/")
    Client().get(
        "/zones/",
        headers={"Authorization": f"Token {api_token}", "Cookie": f"sessionid={session_key}"},
    )
    client.post("/admin/logout/")

    assert failed.status_code == 200
    assert signed_in.status_code == 302
    text = log_lines.text()
    assert len(request_lines(log_lines)) == 5
    for secret in (password, wrong_password, api_token, session_key):
        assert secret not in text


def test_an_unexpected_error_is_logged_with_the_request_id_and_its_traceback(log_lines, settings):
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/fail/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    [error] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id
    assert "RuntimeError: the view failed" in error["exception"]
    [line] = request_lines(log_lines)
    assert (line["status"], line["level"], line["request_id"]) == (500, "ERROR", request_id)


def test_a_database_outage_is_logged_with_the_request_id(client, log_lines, database_unreachable):
    response = client.get("/policies/")

    assert response.status_code == 503
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [line["logger"] for line in errors] == ["core.errors", "core.requests"]
    assert {line["request_id"] for line in errors} == {response["X-Request-ID"]}
    assert "OperationalError" in errors[0]["exception"]


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("could not connect to postgres://apz:%s@db.internal/apz", "pg-Secret-93kd"),
        ("upstream refused Authorization: Token %s", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        ("retrying with password=%s", "hunter2hunter2"),
    ],
)
def test_a_credential_a_library_puts_in_a_message_is_scrubbed(log_lines, message, secret):
    logging.getLogger("some.library").warning(message, secret)

    assert secret not in log_lines.text()
    assert "[redacted]" in log_lines()[-1]["message"]


def test_a_token_authenticated_api_write_leaves_no_credential_in_the_log(log_lines):
    editor = make_user("api-writer-for-logs", editor_permissions())
    token = Token.objects.create(user=editor).key
    document = PolicyDocumentFactory(status="draft")
    api = Client()
    auth = {"Authorization": f"Token {token}"}

    read = api.get(f"/api/v1/policies/{document.slug}/", headers=auth)
    changed = api.patch(
        f"/api/v1/policies/{document.slug}/",
        json.dumps({"summary_en": "Changed through the API."}),
        content_type="application/json",
        headers={**auth, "If-Match": read["ETag"]},
    )
    refused = api.patch(
        f"/api/v1/policies/{document.slug}/",
        json.dumps({"summary_en": "A stale change."}),
        content_type="application/json",
        headers={**auth, "If-Match": read["ETag"]},
    )
    in_query = api.get(f"/api/v1/zones/?token={token}&access_token={token}")
    wrong_token = api.get("/api/v1/zones/", headers={"Authorization": f"Token {token[::-1]}"})

    assert (read.status_code, changed.status_code, refused.status_code) == (200, 200, 412)
    assert in_query.status_code == 200
    assert wrong_token.status_code == 401
    lines = request_lines(log_lines)
    assert [line["method"] for line in lines] == ["GET", "PATCH", "PATCH", "GET", "GET"]
    assert lines[1]["user_id"] == editor.pk
    text = log_lines.text()
    for secret in (token, token[::-1]):
        assert secret not in text


def test_an_admin_login_with_a_wrong_password_leaves_no_secret_in_the_log(log_lines):
    password = "Right-Password-For-Logs-5521"
    wrong_password = "Wrong-Password-For-Logs-7734"
    get_user_model().objects.create_user("staff-for-logs", password=password, is_staff=True)
    browser = Client(enforce_csrf_checks=True)

    form = browser.get("/admin/login/")
    csrf_cookie = browser.cookies["csrftoken"].value
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    failed = browser.post(
        "/admin/login/",
        {
            "username": "staff-for-logs",
            "password": wrong_password,
            "csrfmiddlewaretoken": form_token,
        },
    )
    forged = browser.post(
        "/admin/login/", {"username": "staff-for-logs", "password": wrong_password}
    )

    assert failed.status_code == 200
    assert "Please enter the correct username and password" in failed.text
    assert forged.status_code == 403  # no CSRF token: refused before the password is checked
    assert [line["status"] for line in request_lines(log_lines)] == [200, 200, 403]
    text = log_lines.text()
    for secret in (password, wrong_password, csrf_cookie, form_token):
        assert secret not in text


def test_an_error_while_serving_a_signed_in_request_logs_no_credential(log_lines, settings):
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    token = "5f0c2e9a7b1d4c3e8f6a0b9c2d1e4f3a5b6c7d8e"
    session = "q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4h3"
    client = Client(raise_request_exception=False)

    response = client.get(
        f"/fail/?token={token}",
        headers={"Authorization": f"Token {token}", "Cookie": f"sessionid={session}"},
    )

    assert response.status_code == 500
    assert any("RuntimeError" in line.get("exception", "") for line in log_lines())
    text = log_lines.text()
    assert token not in text
    assert session not in text
