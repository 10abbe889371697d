"""`manage.py backup`: one consistent copy of the database, by the database's own tools."""

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = (
        "Back up the database into BACKUP_DIR (or --output): SQLite with its online backup "
        "API, PostgreSQL with pg_dump. Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="write this file instead of a new one in BACKUP_DIR")
        parser.add_argument(
            "--clean",
            action="store_true",
            help="then keep only the newest BACKUP_KEEP backups in BACKUP_DIR",
        )

    def handle(self, *args, output=None, clean=False, verbosity=1, **options):
        if output is None:
            settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
        call_command("dbbackup", output_path=output, clean=clean, verbosity=verbosity)
        if verbosity:
            where = output or settings.BACKUP_DIR
            self.stdout.write(self.style.SUCCESS(f"Backed up to {where}"))
