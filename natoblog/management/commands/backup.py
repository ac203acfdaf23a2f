import os
import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

POSTGRES_HELP = (
    "This command backs up SQLite only. For PostgreSQL use pg_dump, which also takes a "
    "consistent snapshot while the site runs, e.g.\n"
    '  pg_dump --format=custom --file=natoblog-$(date +%F).dump "$DATABASE_URL"\n'
    "and restore with pg_restore (see the README, Backups)."
)


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database while the site runs (SQLite's online "
        "backup API), then check it. PostgreSQL: use pg_dump (see the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="Where to write the copy (default: var/backups/db-YYYYmmdd-HHMMSS.sqlite3).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--timeout",
            type=float,
            default=60,
            help="Give up after this many seconds of a busy database (default 60).",
        )

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, timeout=60, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                POSTGRES_HELP
                if connection.vendor == "postgresql"
                else (
                    f"Backups of {connection.vendor} databases are not supported by this command."
                )
            )
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = settings.VAR_DIR / "backups" / f"db-{stamp}.sqlite3"
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)

        deadline = time.monotonic() + timeout

        def give_up_when_late(status, remaining, total):
            # Python retries a busy database forever; this bounds it.
            if time.monotonic() > deadline:
                raise CommandError(f"The database stayed busy for {timeout:g} s; no copy made.")

        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            # One step (pages=-1): the whole database is copied under one read transaction,
            # so the copy is a consistent snapshot; in WAL mode writers carry on meanwhile.
            connection.connection.backup(target, pages=-1, progress=give_up_when_late)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            tables = target.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        except CommandError:
            target.close()
            partial.unlink(missing_ok=True)
            raise
        finally:
            target.close()
        if check != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"The copy failed its integrity check: {check}")
        os.replace(partial, output)
        size = output.stat().st_size
        self.stdout.write(
            f"Backed up the database to {output} ({tables} tables, {size:,} bytes, "
            "integrity check ok)."
        )
