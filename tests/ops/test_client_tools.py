"""Which pg_dump and pg_restore the backup commands pick."""

import os

import pytest
from django.core.management import CommandError

from operations import backups


@pytest.mark.parametrize(
    ("server", "expected"),
    [(15, 15), (16, 18), (18, 18)],
)
def test_pg_dump_is_the_oldest_client_at_least_as_new_as_the_server(tmp_path, server, expected):
    tools = [backups.ClientTool(tmp_path / f"pg_dump{major}", major) for major in (18, 15)]

    assert backups.choose_tool("pg_dump", tools, at_least=server).major == expected


def test_no_client_new_enough_is_a_clear_error(tmp_path):
    tools = [backups.ClientTool(tmp_path / "pg_dump", 15)]

    with pytest.raises(CommandError, match="PostgreSQL 17 or newer"):
        backups.choose_tool("pg_dump", tools, at_least=17)


@pytest.mark.django_db
def test_the_client_tools_found_on_this_machine_cover_the_suites_server():
    with backups.connect("default") as conn:
        server = backups.server_major(conn)

    tool = backups.find_tool("pg_dump", at_least=server)

    assert tool.major >= server
    assert os.access(tool.path, os.X_OK)
