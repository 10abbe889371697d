"""`manage.py restore`: put a backup made by `manage.py backup` back into the database."""

from django.core.management import BaseCommand, call_command
from django.db import connections


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the database of DATABASE_URL, replacing "
        "what is there. Stop the app first. Without a file, the newest in BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the backup file (default: the newest)")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, path=None, interactive=True, verbosity=1, **options):
        # SQLite's restore writes the database file: no connection may hold it open.
        connections.close_all()
        call_command("dbrestore", input_path=path, interactive=interactive, verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Restored."))
