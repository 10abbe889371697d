"""Issue a key for a district's 一表通 pull; the key is printed once and only its hash kept."""

from django.core.management.base import BaseCommand, CommandError

from committee.models import District
from paperwork import services


class Command(BaseCommand):
    help = "Create an API key for one district (printed once; only its SHA-256 is stored)."

    def add_arguments(self, parser):
        parser.add_argument("district", help="the district's code")
        parser.add_argument("--name", default="一表通", help="who will use the key")

    def handle(self, *args, district, name, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f"No district with code {district!r}.")
        token, key = services.create_api_token(district=found, name=name)
        self.stdout.write(f"Key for {found.name} (id {token.pk}), shown once:\n{key}")
