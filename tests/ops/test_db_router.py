"""With a read replica, public reads use it; the admin, signed-in users and writes use the primary.

The "replica" here is a second alias on the same database, so that which alias ran a query can
be observed. The tests are transactional: a second connection sees only committed rows.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tests.factories import ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings):
    """A "replica" connection to the test database, as DATABASE_REPLICA_URL would configure."""
    primary = connections["default"].settings_dict
    connections["replica"] = load_backend(primary["ENGINE"]).DatabaseWrapper(
        dict(primary), "replica"
    )
    settings.DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]


class QueriesByAlias:
    def __init__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


@pytest.fixture
def zone():
    return ZoneFactory(slug="harbour", name_en="Harbour")


@pytest.mark.parametrize("path", ["/zones/", "/zones/harbour/"])
def test_an_anonymous_visitors_page_reads_from_the_replica(client, replica, zone, path):
    with QueriesByAlias() as queries:
        response = client.get(path)

    assert response.status_code == 200
    assert len(queries.replica) > 0
    assert len(queries.primary) == 0


def test_the_admin_reads_from_the_primary(client, replica, zone):
    client.force_login(get_user_model().objects.create_superuser("chief", password="x" * 12))

    with QueriesByAlias() as queries:
        response = client.get("/admin/zones/zone/")

    assert response.status_code == 200
    assert "Harbour" in response.text
    assert len(queries.primary) > 0
    assert len(queries.replica) == 0


def test_a_signed_in_editor_sees_public_pages_from_the_primary(client, replica, zone):
    client.force_login(get_user_model().objects.create_user("editor", is_staff=True))

    with QueriesByAlias() as queries:
        response = client.get("/zones/harbour/")

    assert response.status_code == 200
    assert len(queries.replica) == 0


def test_a_request_with_an_api_token_reads_from_the_primary(client, replica, zone):
    with QueriesByAlias() as queries:
        client.get("/zones/", headers={"Authorization": "Token 0123456789abcdef"})

    assert len(queries.replica) == 0
    assert len(queries.primary) > 0


def test_outside_a_request_reads_and_writes_use_the_primary(replica, zone):
    # Management commands, the shell and migrations never see a lagging replica.
    assert Zone.objects.all().db == "default"
    assert Zone.objects.select_for_update().db == "default"


def test_database_replica_url_adds_the_alias_and_the_router():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "r = s.DATABASES['replica']; "
        "print(r['HOST'], r['NAME'], r['TEST']['MIRROR'], r['CONN_HEALTH_CHECKS'], "
        "s.DATABASE_ROUTERS[0])"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="postgres://register@primary.internal/register",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal/register",
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "replica.internal",
        "register",
        "default",
        "True",
        "config.db_router.PrimaryReplicaRouter",
    ]
