"""Restore a pg_dump archive into the configured database.

By default the archive is restored into a fresh scratch database next to the target; only when
that has fully succeeded are the two swapped by renaming, and the database that was there is kept
under a ``_before_restore_<timestamp>`` name. A failed restore therefore changes nothing, and a
good one can be undone by renaming back. The swap needs the right to create databases; where
that is missing, ``--in-place`` restores into the existing database in a single transaction
(all or nothing, but objects that the archive does not know are left in place).

A target that already holds tables is only replaced with ``--yes`` (or a typed "yes" at a
terminal).
"""

import datetime
import time
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operations import backups

SCRATCH_SUFFIX = "_restoring"
# pg_restore for any restore: stop at the first error, and take no owner, grants or password
# prompt from the archive (the restoring role owns what it restores).
RESTORE_OPTIONS = ["--exit-on-error", "--no-owner", "--no-privileges", "--no-password"]


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_db (default: the newest in backups/) into the "
        "configured database. Refuses to replace a database that holds tables without --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="The .dump file to restore.")
        parser.add_argument(
            "--database", default="default", help="The settings.DATABASES alias to restore into."
        )
        parser.add_argument(
            "--target",
            help="Restore into this database name on the same server instead of the alias's.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Replace the target even if it holds tables."
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt; without --yes, refuse to replace a database that holds tables.",
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Restore into the existing database in one transaction instead of swapping "
            "in a fresh one (for servers where this role may not create databases).",
        )
        parser.add_argument(
            "--drop-previous",
            action="store_true",
            help="After a successful swap, drop the database that was replaced.",
        )

    def handle(self, *args, **options):
        alias = options["database"]
        archive = options["file"] or backups.latest_backup()
        if not archive.is_file():
            raise CommandError(f"No such backup file: {archive}")
        target = options["target"] or backups.settings_dict(alias)["NAME"]
        info = backups.archive_info(archive)

        with backups.connect_maintenance(alias) as admin:
            server_major = backups.server_major(admin)
            if info.server_major > server_major:
                raise CommandError(
                    f"{archive.name} comes from PostgreSQL {info.server_major}; it cannot be "
                    f"restored into PostgreSQL {server_major}. Restore into {info.server_major} "
                    "or newer."
                )
            pg_restore = backups.find_tool("pg_restore", at_least=info.dumped_by_major)
            self.confirm_replacing(alias, admin, target, options)

            # Our own persistent connection to the target would block the swap.
            if backups.settings_dict(alias)["NAME"] == target:
                connections[alias].close()

            if options["in_place"]:
                self.restore_in_place(alias, admin, pg_restore, archive, target)
            else:
                self.restore_by_swap(alias, admin, pg_restore, archive, target, options)
        # The content types' ids are now the backup's: forget those this process looked up.
        ContentType.objects.clear_cache()

        self.stdout.write(
            f"  pg_restore {pg_restore.major}, archive from PostgreSQL {info.server_major} "
            f"(pg_dump {info.dumped_by_major}), server PostgreSQL {server_major}"
        )

    def confirm_replacing(self, alias, admin, target, options):
        if not backups.database_exists(admin, target):
            return
        with backups.connect(alias, target) as conn:
            tables = backups.user_tables(conn)
        if not tables or options["yes"]:
            return
        question = (
            f"Database {target!r} holds {len(tables)} tables. Restoring replaces all of it"
            + ("" if options["in_place"] else " (the current one is kept under another name)")
            + "."
        )
        if options["interactive"] and self.stdin_is_terminal():
            answer = input(f"{question}\nType 'yes' to continue: ")
            if answer.strip().lower() == "yes":
                return
        raise CommandError(
            f"{question} Nothing was changed. Run again with --yes "
            "(make restore FILE=... YES=1) to go ahead."
        )

    def stdin_is_terminal(self):
        import sys

        return sys.stdin.isatty()

    def restore_in_place(self, alias, admin, pg_restore, archive, target):
        if not backups.database_exists(admin, target):
            admin.execute(f"CREATE DATABASE {backups.quote_ident(target)} TEMPLATE template0")
        backups.run_client(
            pg_restore,
            [
                "--clean",
                "--if-exists",
                "--single-transaction",
                *RESTORE_OPTIONS,
                f"--dbname={target}",
                str(archive),
            ],
            backups.libpq_environment(alias, target),
        )
        self.analyze(alias, target)
        self.stdout.write(self.style.SUCCESS(f"Restored {archive.name} into {target!r} in place."))

    def restore_by_swap(self, alias, admin, pg_restore, archive, target, options):
        scratch = backups.derived_name(target, SCRATCH_SUFFIX)
        # A scratch database can only be left over from an interrupted restore.
        admin.execute(f"DROP DATABASE IF EXISTS {backups.quote_ident(scratch)} WITH (FORCE)")
        try:
            admin.execute(f"CREATE DATABASE {backups.quote_ident(scratch)} TEMPLATE template0")
        except Exception as error:
            raise CommandError(
                f"Cannot create the scratch database {scratch!r} ({error}). "
                "If this role may not create databases, use --in-place."
            ) from error
        try:
            backups.run_client(
                pg_restore,
                [*RESTORE_OPTIONS, f"--dbname={scratch}", str(archive)],
                backups.libpq_environment(alias, scratch),
            )
            self.analyze(alias, scratch)
        except BaseException:
            admin.execute(f"DROP DATABASE IF EXISTS {backups.quote_ident(scratch)} WITH (FORCE)")
            raise

        previous = None
        if backups.database_exists(admin, target):
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
            previous = backups.derived_name(target, f"_before_restore_{stamp}")
            self.move_aside(admin, target, previous)
        admin.execute(
            f"ALTER DATABASE {backups.quote_ident(scratch)} RENAME TO {backups.quote_ident(target)}"
        )

        self.stdout.write(self.style.SUCCESS(f"Restored {archive.name} into {target!r}."))
        if previous and options["drop_previous"]:
            admin.execute(f"DROP DATABASE {backups.quote_ident(previous)} WITH (FORCE)")
            self.stdout.write("  The database it replaced was dropped.")
        elif previous:
            self.stdout.write(
                f"  The database it replaced is kept as {previous!r}; drop it when satisfied "
                f'(DROP DATABASE "{previous}").'
            )

    def move_aside(self, admin, target, previous):
        """Rename the live database, disconnecting its sessions (the app reconnects by itself)."""
        quoted_target = backups.quote_ident(target)
        # Refuse new sessions first, so that none slips in between disconnect and rename.
        admin.execute(f"ALTER DATABASE {quoted_target} WITH ALLOW_CONNECTIONS false")
        try:
            for attempt in range(10):
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [target],
                )
                try:
                    admin.execute(
                        f"ALTER DATABASE {quoted_target} RENAME TO {backups.quote_ident(previous)}"
                    )
                    break
                except Exception:
                    if attempt == 9:
                        raise
                    time.sleep(0.2)
        finally:
            name_now = previous if backups.database_exists(admin, previous) else target
            admin.execute(
                f"ALTER DATABASE {backups.quote_ident(name_now)} WITH ALLOW_CONNECTIONS true"
            )

    def analyze(self, alias, name):
        # A restored database has no planner statistics until analysed.
        with backups.connect(alias, name) as conn:
            conn.execute("ANALYZE")
