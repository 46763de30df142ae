"""`make backup` and `make restore`: a dump of the register restores to an identical database.

These run against whichever server the suite uses (the embedded PostgreSQL, or the one named by
DATABASE_URL), with the client tools the commands pick for it. The data must be committed for
pg_dump to see it, hence transactional tests.
"""

import re
import stat

import pytest
from django.core.management import CommandError, call_command

from operations import backups
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fingerprint(database_name):
    """Row count and an md5 of the ordered rows of every table, and every sequence's position."""
    with backups.connect("default", database_name) as conn:
        result = {}
        for table in backups.user_tables(conn):
            result[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM {table} AS t"
            ).fetchone()
        for name, last_value in conn.execute(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences"
        ):
            result[f"sequence {name}"] = last_value
    return result


def zone_slugs(database_name):
    with backups.connect("default", database_name) as conn:
        return [row[0] for row in conn.execute("SELECT slug FROM zones_zone ORDER BY slug")]


def database_names(prefix):
    with backups.connect_maintenance("default") as admin:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
        )
        return sorted(row[0] for row in rows)


@pytest.fixture
def source_database():
    return backups.settings_dict("default")["NAME"]


@pytest.fixture
def restored_database(source_database):
    """A database name next to the test database; it and what restores leave beside it go."""
    name = f"{source_database}_restored"
    yield name
    with backups.connect_maintenance("default") as admin:
        for leftover in database_names(name):
            admin.execute(f"DROP DATABASE {backups.quote_ident(leftover)} WITH (FORCE)")


@pytest.fixture
def one_archive(tmp_path):
    def make():
        call_command("backup_db", output=tmp_path)
        [archive] = tmp_path.glob("*.dump")
        return archive

    return make


def test_the_demo_data_survives_a_backup_and_restore_row_for_row(
    demo, one_archive, source_database, restored_database
):
    archive = one_archive()
    call_command("restore_db", str(archive), target=restored_database, interactive=False)

    original = fingerprint(source_database)
    restored = fingerprint(restored_database)
    assert original["public.zones_zone"][0] == 26
    assert original["public.policies_policydocument"][0] == 7
    assert len(original) > 60, "every table and sequence is compared"
    assert restored == original


def test_make_backup_writes_a_private_timestamped_file_and_restore_takes_the_newest(
    monkeypatch, tmp_path, source_database, restored_database
):
    monkeypatch.setenv("DJANGO_BACKUP_DIR", str(tmp_path / "backups"))
    ZoneFactory(slug="in-the-backup")

    call_command("backup_db")
    call_command("restore_db", target=restored_database, interactive=False)

    [archive] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(rf"{source_database}-\d{{8}}T\d{{6}}Z\.dump", archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert zone_slugs(restored_database) == ["in-the-backup"]


def test_replacing_a_database_that_holds_data_needs_yes_and_keeps_the_replaced_one(
    one_archive, restored_database
):
    ZoneFactory(slug="as-backed-up")
    archive = one_archive()
    call_command("restore_db", str(archive), target=restored_database, interactive=False)
    with backups.connect("default", restored_database) as conn:
        conn.execute("UPDATE zones_zone SET slug = 'edited-since'")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_db", str(archive), target=restored_database, interactive=False)
    assert zone_slugs(restored_database) == ["edited-since"], "a refusal changes nothing"

    call_command("restore_db", str(archive), target=restored_database, yes=True)

    assert zone_slugs(restored_database) == ["as-backed-up"]
    [kept] = [name for name in database_names(restored_database) if name != restored_database]
    assert kept.startswith(f"{restored_database}_before_restore_")
    assert zone_slugs(kept) == ["edited-since"]


def test_a_damaged_archive_changes_nothing(one_archive, tmp_path, restored_database):
    ZoneFactory(slug="as-backed-up")
    archive = one_archive()
    call_command("restore_db", str(archive), target=restored_database, interactive=False)
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])

    with pytest.raises(CommandError):
        call_command("restore_db", str(damaged), target=restored_database, yes=True)

    assert zone_slugs(restored_database) == ["as-backed-up"]
    assert database_names(restored_database) == [restored_database], "no scratch copy is left"


def test_the_password_goes_to_the_client_through_its_environment_and_is_never_printed(
    monkeypatch, capsys, tmp_path
):
    # The servers the suite runs on trust local connections, so any password is accepted.
    config = backups.settings_dict("default")
    monkeypatch.setitem(config, "PASSWORD", "never-printed-7Hq2")

    env = backups.libpq_environment("default", config["NAME"])
    call_command("backup_db", output=tmp_path)

    assert env["PGPASSWORD"] == "never-printed-7Hq2"
    output = capsys.readouterr()
    assert "never-printed-7Hq2" not in output.out + output.err
