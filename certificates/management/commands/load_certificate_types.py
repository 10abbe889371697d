"""load_certificate_types [--district CODE] [FILE]: load the allowed and banned certificates."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from certificates.services import TYPES_FILE, load_certificate_types
from committee.models import District


class Command(BaseCommand):
    help = (
        "Load a CSV of certificate types (allowed with their template, banned with the "
        "authority that issues the proof instead) into one district, or every district. "
        "Loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(TYPES_FILE))
        parser.add_argument("--district", help="district code or name (default: every district)")

    def handle(self, *args, file, district=None, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        districts = District.objects.all()
        if district:
            districts = districts.filter(Q(code=district) | Q(name=district))
            if not districts.exists():
                raise CommandError(f"No district {district!r}.")
        for each in districts:
            try:
                result = load_certificate_types(district=each, path=path)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"{each}: {result.created} added, {result.unchanged} already there")
