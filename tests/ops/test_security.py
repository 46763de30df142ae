"""Production security: `check --deploy` is clean and every kind of page carries the headers.

The headers are checked against the settings production really computes: a fresh interpreter
loads config.settings with DJANGO_DEBUG=0 (behind a TLS-terminating proxy, as documented) and
the values it reports are applied here. Add a URL to PAGES for each new kind of page.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import FocusAreaFactory, PolicyDocumentFactory, ZoneFactory

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k7#Qz9!vL2@pX4$wN8^rT6&yB1*mC3(hJ5)dF0-gS-production-like-key",
    "DATABASE_URL": "postgres://register@db.internal:5432/register",
    "DJANGO_ALLOWED_HOSTS": "register.example",
}
BEHIND_PROXY = {**PRODUCTION_ENV, "DJANGO_BEHIND_PROXY": "1"}

SECURITY_SETTINGS = [
    "SECURE_CSP",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "TRUSTED_PROXY_COUNT",
]

# (path, expected status). {zone}, {policy}, {program} and {focus_area} are filled with published
# records' slugs, {zone_pk} with the zone's id. One of each kind of page the app serves.
PAGES = [
    # the public site
    ("/", 200),
    ("/zh-hans/", 200),
    ("/zones/", 200),
    ("/zones/?view=map", 200),
    ("/zones/{zone}/", 200),
    ("/zh-hans/zones/{zone}/", 200),
    ("/programs/{program}/", 200),
    ("/focus-areas/", 200),
    ("/focus-areas/{focus_area}/", 200),
    ("/policies/", 200),
    ("/policies/{policy}/", 200),
    ("/search/?q=port", 200),
    # feeds, discovery, exports
    ("/policies/feed/", 200),
    ("/sitemap.xml", 200),
    ("/robots.txt", 200),
    ("/api/v1/zones/?format=csv", 200),
    ("/api/v1/zones/?format=geojson", 200),
    # the API: JSON, its schema and its interactive docs
    ("/api/v1/", 200),
    ("/api/v1/zones/", 200),
    ("/api/v1/policies/{policy}/", 200),
    ("/api/schema/", 200),
    ("/api/docs/", 200),
    # errors
    ("/zones/no-such-zone/", 404),
    ("/api/v1/zones/no-such-zone/", 404),
    ("/zones/?batch=not-a-number", 400),
    ("/api/v1/zones/?page=0", 400),
    ("/policies/feed/?issued_after=2021-02-30", 400),
    # operations
    ("/healthz", 200),
    ("/readyz", 200),
    # the newsroom, signed out
    ("/admin/login/", 200),
]

# Pages of the newsroom, for a signed-in member of staff.
STAFF_PAGES = [
    ("/admin/", 200),
    ("/admin/zones/zone/", 200),
    ("/admin/zones/zone/{zone_pk}/change/", 200),
    ("/admin/policies/policydocument/?q=port", 200),
    ("/admin/preview/zones/{zone}/", 200),
]

ONE_YEAR = 365 * 24 * 3600
STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def run_manage(env_overrides, *args, code=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="config.settings")
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("environment", [PRODUCTION_ENV, BEHIND_PROXY], ids=["tls", "proxy"])
def test_check_deploy_is_clean_with_production_settings(environment):
    result = run_manage(environment, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture(scope="session")
def production_values():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_manage(BEHIND_PROXY, code=code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    return production_values


def test_production_values_are_the_ones_promised(production_values):
    assert production_values["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert production_values["SECURE_SSL_REDIRECT"] is True
    assert production_values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert production_values[f"{cookie}_COOKIE_SECURE"] is True
        assert production_values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production_values[f"{cookie}_COOKIE_SAMESITE"] == "Lax"


def parse_csp(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]

    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in STRICT_REFERRER_POLICIES
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]

    if response["Content-Type"].startswith("text/html"):
        # Inline scripts run only with this response's nonce; data blocks never run.
        nonces = {
            value[len("'nonce-") : -1] for value in csp["script-src"] if value.startswith("'nonce-")
        }
        for attributes in re.findall(r"<script\b([^>]*)>", response.content.decode()):
            if "src=" in attributes or re.search(r'type="application/(ld\+)?json"', attributes):
                continue
            nonce = re.search(r'nonce="([^"]+)"', attributes)
            assert nonce, f"inline <script{attributes}> has no nonce"
            assert nonce.group(1) in nonces, f"inline <script{attributes}> has a stale nonce"


@pytest.fixture
def records(db):
    zone = ZoneFactory(focus_areas=[FocusAreaFactory()])
    return {
        "zone": zone.slug,
        "zone_pk": zone.pk,
        "program": zone.program.slug,
        "focus_area": zone.focus_areas.get().slug,
        "policy": PolicyDocumentFactory(zones=[zone]).slug,
    }


HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.mark.parametrize(("path", "status"), PAGES, ids=[path for path, _ in PAGES])
def test_every_kind_of_page_carries_the_security_headers_over_https(
    client, production, records, path, status
):
    response = client.get(path.format(**records), headers=HTTPS)

    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.parametrize(("path", "status"), STAFF_PAGES, ids=[path for path, _ in STAFF_PAGES])
def test_the_newsroom_carries_the_security_headers_for_signed_in_staff(
    client, production, records, path, status
):
    staff = get_user_model().objects.create_superuser("headers-editor", password="Pw-hdr-12345")
    client.force_login(staff)

    response = client.get(path.format(**records), headers=HTTPS)

    assert response.status_code == status
    assert_security_headers(response)


def test_a_request_for_a_host_we_do_not_serve_is_a_400_with_the_headers(client, production, db):
    response = client.get("/zones/", headers={**HTTPS, "Host": "attacker.example"})

    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/api/v1/policies/", "/admin/login/"])
def test_a_refused_oversized_body_carries_the_security_headers(client, production, db, path):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(path, body, content_type="application/json", headers=HTTPS)

    assert response.status_code == 413
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_static_file_carries_the_security_headers(production, settings):
    # WhiteNoise answers static files itself, before the views; it reads the files at start-up,
    # so a new client (a new handler) serves the app's own files as collectstatic would.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = Client().get("/static/css/site.css", headers=HTTPS)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert_security_headers(response)


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(client, production):
    # The health probes answer plain HTTP (no redirect); HSTS over plain HTTP means nothing.
    plain = client.get("/healthz")
    secure = client.get("/healthz", headers=HTTPS)

    assert plain.status_code == secure.status_code == 200
    assert "Strict-Transport-Security" not in plain
    assert secure["Strict-Transport-Security"].startswith(f"max-age={ONE_YEAR}")


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_probes(client, production):
    response = client.get("/zones/?province=hubei")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/zones/?province=hubei"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def cookie_flags(cookie):
    return {
        "secure": bool(cookie["secure"]),
        "httponly": bool(cookie["httponly"]),
        "samesite": cookie["samesite"],
    }


SAFE_COOKIE = {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.django_db
def test_session_csrf_and_language_cookies_are_secure_and_out_of_reach_of_scripts(
    client, production
):
    https = {"X-Forwarded-Proto": "https"}
    get_user_model().objects.create_user(
        "cookie-editor", password="Pw-for-cookies-123", is_staff=True
    )

    login_page = client.get("/admin/login/", headers=https)
    signed_in = client.post(
        "/admin/login/",
        {"username": "cookie-editor", "password": "Pw-for-cookies-123"},
        headers=https,
    )
    language = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, headers=https)

    assert signed_in.status_code == 302
    assert cookie_flags(login_page.cookies["csrftoken"]) == SAFE_COOKIE
    assert cookie_flags(signed_in.cookies["sessionid"]) == SAFE_COOKIE
    assert cookie_flags(language.cookies["django_language"]) == SAFE_COOKIE


@pytest.mark.django_db
def test_behind_the_proxy_a_failed_login_is_counted_against_the_clients_address(client, production):
    client.post(
        "/admin/login/",
        {"username": "editor", "password": "wrong"},
        # The client forges an entry; the proxy appends the address it really saw.
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1, 198.51.100.7"},
        REMOTE_ADDR="127.0.0.1",
    )

    [attempt] = AccessAttempt.objects.all()
    assert attempt.ip_address == "198.51.100.7"
    assert attempt.username == "editor"
