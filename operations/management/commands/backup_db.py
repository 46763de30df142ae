import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations import backups


class Command(BaseCommand):
    help = (
        "Dump the database to backups/<name>-<UTC timestamp>.dump (pg_dump custom format). "
        "Works with the embedded PostgreSQL and with DATABASE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default="default", help="The settings.DATABASES alias to dump."
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="A file or folder to write to instead of backups/ (DJANGO_BACKUP_DIR).",
        )

    def handle(self, *args, database, output, **options):
        name = backups.settings_dict(database)["NAME"]
        with backups.connect(database, name) as conn:
            server_major = backups.server_major(conn)
        pg_dump = backups.find_tool("pg_dump", at_least=server_major)

        if output is None or output.is_dir():
            folder = output or backups.backup_dir()
            target = folder / backups.backup_filename(name)
        else:
            target = output
        target.parent.mkdir(parents=True, exist_ok=True)
        # A dump holds password hashes and sessions: only the owner may read it.
        if output is None:
            target.parent.chmod(0o700)

        # Written under a temporary name and renamed once complete and readable, so that a
        # failed or interrupted run never leaves something that looks like a backup.
        partial = target.with_name(target.name + ".partial")
        try:
            backups.run_client(
                pg_dump,
                ["--format=custom", "--no-password", f"--file={partial}"],
                backups.libpq_environment(database, name),
            )
            partial.chmod(0o600)
            info = backups.archive_info(partial)
            if info.database_name != name:
                raise CommandError(f"The archive names database {info.database_name!r}.")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

        size_kib = target.stat().st_size / 1024
        self.stdout.write(
            self.style.SUCCESS(f"Backed up database {name!r} to {target} ({size_kib:,.0f} KiB)")
            + f"\n  pg_dump {pg_dump.major} ({pg_dump.path}), server PostgreSQL {server_major}"
        )
