"""Public reads from a read replica, everything else from the primary.

Installed only when ``DATABASE_REPLICA_URL`` is set (see settings). The replica is opt-in per
request: ``ReplicaRoutingMiddleware`` marks a request as a public read when it is a GET/HEAD/
OPTIONS outside the admin, with no session cookie and no Authorization header — what an anonymous
visitor or API reader sends. Every other request, and all code outside a request (management
commands, the shell, migrations), reads from the primary, so editors always see their own
writes. The first write in a request pins the rest of it to the primary as well.

Sessions, users, tokens, lock-outs and the admin log are always read from the primary: a replica
that lags would otherwise log people out or forget a lock-out.

A replica that cannot be reached does not take the site down: before a public read is sent to it,
its connection is checked (the health check Django runs on a connection's first use in a request
anyway), and if the replica does not answer, the request reads from the primary and a warning is
logged. The replica is tried again ``DATABASE_REPLICA_RETRY_SECONDS`` later, and used again as
soon as it answers. A request whose replica fails in the middle still answers 503 once
(``operations.middleware.DatabaseUnavailableMiddleware``); the requests after it use the primary.
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.utils import ConnectionDoesNotExist
from django.http.request import HttpRequest

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset({"admin", "auth", "authtoken", "axes", "sessions"})

_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("public_read", default=False)

logger = logging.getLogger(__name__)


class ReplicaHealth:
    """Whether the replica answers, with a pause between tries while it does not."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def available(self) -> bool:
        try:
            connection = connections[REPLICA]
        except ConnectionDoesNotExist:
            return False
        if self.down and time.monotonic() < self.retry_at:
            return False
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except (OperationalError, InterfaceError) as error:
            connection.close()
            self._mark_down(error)
            return False
        if self.down:
            with self._lock:
                if self.down:
                    self.down = False
                    logger.warning("read replica answers again; public reads use it")
        return True

    def _mark_down(self, error):
        with self._lock:
            self.retry_at = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
            if not self.down:
                self.down = True
                logger.warning(
                    "read replica unavailable (%s); public reads use the primary",
                    type(error).__name__,
                    exc_info=error,
                )


replica_health = ReplicaHealth()


def is_public_read(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
    )


class ReplicaRoutingMiddleware:
    """Lets the router send this request's reads to the replica if it is a public read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(is_public_read(request) and replica_health.available())
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        # Whatever this request reads after a write must see it.
        _public_read.set(False)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica follows the primary's schema by replication, never by migrate.
        return db == PRIMARY
