"""Login protection: repeated failures lock one account from one address, with a clear message,
and nobody else; behind a reverse proxy the client's own address counts, not the proxy's."""

import pytest
from django.test import Client

from tests import people

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def _five_tries(settings):
    settings.AXES_FAILURE_LIMIT = 5
    # A fast hasher: these tests log in dozens of times; the hasher is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return people.editor(password=people.PASSWORD)


def log_in(username, password, **headers):
    client = Client(**headers)
    return client.post("/admin/login/", {"username": username, "password": password})


def fail_until_locked(username, **headers):
    for _ in range(5):
        log_in(username, WRONG, **headers)


def test_five_failures_lock_the_account_from_that_address_with_a_clear_message(editor):
    fail_until_locked("editor", REMOTE_ADDR="203.0.113.5")

    locked = log_in("editor", people.PASSWORD, REMOTE_ADDR="203.0.113.5")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "failed 5 times in a row" in locked.text
    assert "Try again in 15 minutes." in locked.text
    assert "_auth_user_id" not in locked.client.session


def test_the_same_account_still_logs_in_from_another_address(editor):
    fail_until_locked("editor", REMOTE_ADDR="203.0.113.5")

    response = log_in("editor", people.PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302


def test_other_accounts_still_log_in_from_the_locked_address(editor):
    people.publisher(password=people.PASSWORD)
    fail_until_locked("editor", REMOTE_ADDR="203.0.113.5")

    response = log_in("publisher", people.PASSWORD, REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(editor):
    for _ in range(4):
        log_in("editor", WRONG, REMOTE_ADDR="203.0.113.5")

    assert log_in("editor", people.PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


PROXY = "10.0.0.1"


def test_behind_a_proxy_one_client_is_locked_and_another_is_not(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked("editor", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")

    locked = log_in(
        "editor", people.PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    elsewhere = log_in(
        "editor", people.PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_behind_a_proxy_a_forged_forwarded_address_does_not_escape_the_lock(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        # The client wrote the left entry; the proxy appended the address it saw.
        log_in("editor", WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5")

    response = log_in(
        "editor",
        people.PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
    )

    assert response.status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        log_in("editor", WRONG, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forged)

    response = log_in(
        "editor", people.PASSWORD, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )

    assert response.status_code == 429
