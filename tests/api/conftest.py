"""Fixtures for the API tests: the demo loaded once per module and users in each admin role."""

import pytest
from django.core.cache import cache
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policies.demo import demo_load
from tests.api.support import editor_permissions, make_user, publisher_permissions


@pytest.fixture(scope="package")
def demo_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for all the API tests and rolled back after the last of them.

    Each test still runs in its own savepoint (the ``db`` fixture), so what one test writes is
    gone before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api(demo_module, db):
    """An anonymous API client over the module's demo."""
    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The anonymous throttle counts in the cache; no test inherits another's requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(db):
    """One account per role the permission matrix checks, each with its own API token."""
    accounts = {
        "nobody": make_user("nobody"),
        "editor": make_user("editor", editor_permissions()),
        "publisher": make_user("publisher", publisher_permissions()),
        "superuser": make_user("superuser", superuser=True),
        # In the Editors group but not staff: the admin would not let them in.
        "editor_not_staff": make_user("outsider", groups=["Editors"], staff=False),
    }
    for user in accounts.values():
        Token.objects.create(user=user)
    return accounts
