import io
import json
import logging
import socket

import pytest
from django.db import connections

from operations.logs import JsonFormatter, RequestIdFilter


@pytest.fixture
def closed_port():
    """A local TCP port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_access(django_db_setup, django_db_blocker):
    """The test database, outside any test transaction, for tests that only read.

    The connection can then be closed and reopened freely, and there is nothing to flush.
    """
    with django_db_blocker.unblock():
        yield connections["default"]


@pytest.fixture
def database_unreachable(database_access, closed_port):
    """Point the default connection at a closed port, as if PostgreSQL had gone away."""
    connection = database_access
    connection.close()
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    yield
    connection.close()
    connection.settings_dict.update(saved)


@pytest.fixture
def log_lines():
    """Everything logged during the test, as the production handler would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.text = stream.getvalue
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)
