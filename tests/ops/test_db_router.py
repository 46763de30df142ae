"""With a read replica, public reads use it; the admin, signed-in users and writes use the primary.
When the replica stops answering, public reads use the primary until it answers again.

The "replica" here is a second alias on the same database, so that which alias ran a query can
be observed; to stop it, it is reached through a TCP proxy the test closes. The tests are
transactional: a second connection sees only committed rows.
"""

import contextlib
import logging
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_started
from django.db import connections
from django.db.utils import load_backend

from config import db_router
from tests.factories import ZoneFactory
from tests.ops.tcp_proxy import TcpProxy
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
    """The SQL each alias ran, recorded without opening a connection (the replica may be down)."""

    def __init__(self):
        self.primary: list[str] = []
        self.replica: list[str] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        for alias, recorded in (("default", self.primary), ("replica", self.replica)):
            self._stack.enter_context(connections[alias].execute_wrapper(self._recorder(recorded)))
        return self

    def __exit__(self, *exc):
        self._stack.close()

    @staticmethod
    def _recorder(recorded):
        def record(execute, sql, params, many, context):
            recorded.append(sql)
            return execute(sql, params, many, context)

        return record


@pytest.fixture
def zone():
    # As on a running site, the content types exist (an earlier test's flush may have emptied
    # their table) and this process knows them.
    ContentType.objects.get_for_models(*apps.get_models())
    return ZoneFactory(slug="harbour", name_en="Harbour")


@pytest.mark.parametrize(
    "path", ["/", "/zones/", "/policies/", "/zh-hans/zones/", "/zones/harbour/", "/api/v1/zones/"]
)
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


@pytest.fixture
def stoppable_replica(settings, monkeypatch):
    """A "replica" alias reached through a proxy the test can stop, configured as
    DATABASE_REPLICA_URL would configure it (kept open between requests, health-checked), and
    a router that has not yet seen it fail, as in a process that has just started."""
    monkeypatch.setattr(db_router, "replica_health", db_router.ReplicaHealth())
    primary = connections["default"].settings_dict
    proxy = TcpProxy(primary["HOST"] or "127.0.0.1", int(primary["PORT"] or 5432))
    proxy.start()
    replica_settings = {
        **primary,
        "HOST": "127.0.0.1",
        "PORT": proxy.port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
    connections["replica"] = load_backend(primary["ENGINE"]).DatabaseWrapper(
        replica_settings, "replica"
    )

    def start_of_request(**kwargs):
        # What Django does at the start of a request for every alias of DATABASES (this one is
        # added after the settings were read): the connection is health-checked on first use.
        connections["replica"].close_if_unusable_or_obsolete()

    request_started.connect(start_of_request)
    settings.DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    yield proxy
    request_started.disconnect(start_of_request)
    connections["replica"].close()
    del connections["replica"]
    proxy.stop()


@pytest.fixture
def router_warnings():
    """The warnings the router logs, read from its own logger (whatever the root logger's
    handlers and levels are at this point of the suite)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    router_logger = logging.getLogger(db_router.__name__)
    # Logging is process-wide: whatever an earlier test or library did to it (a logger
    # disabled by a logging configuration, a level raised, logging.disable), the router's
    # warnings reach this handler, and the state is put back afterwards.
    saved = (router_logger.disabled, router_logger.level, logging.root.manager.disable)
    router_logger.disabled = False
    router_logger.setLevel(logging.WARNING)
    logging.disable(logging.NOTSET)
    router_logger.addHandler(handler)
    yield messages
    router_logger.removeHandler(handler)
    router_logger.disabled, _level, disabled_below = saved
    router_logger.setLevel(_level)
    logging.disable(disabled_below)


@pytest.mark.parametrize("path", ["/zones/harbour/", "/api/v1/zones/harbour/"])
def test_public_reads_use_the_primary_while_the_replica_is_down_and_the_replica_once_back(
    client, stoppable_replica, zone, router_warnings, path
):
    with QueriesByAlias() as queries:
        assert client.get(path).status_code == 200
    assert len(queries.replica) > 0

    stoppable_replica.stop()
    for _attempt in range(2):
        with QueriesByAlias() as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert "Harbour" in response.text
        assert len(queries.replica) == 0
        assert len(queries.primary) > 0
    assert db_router.replica_health.down
    assert [message for message in router_warnings if "replica unavailable" in message]

    stoppable_replica.start()
    with QueriesByAlias() as queries:
        assert client.get(path).status_code == 200
    assert len(queries.replica) > 0
    assert not db_router.replica_health.down
    assert router_warnings[-1] == "read replica answers again; public reads use it"
