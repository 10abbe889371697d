"""Encrypt every ID number and phone again with the first of PERSONAL_DATA_KEYS.

Key rotation (docs/operations.md): put the new key first, keep the old one after it, run
this command, then drop the old key. Rows are rewritten one by one, without history entries
(the values do not change, only their encryption).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from committee.crypto import EncryptedCharField


class Command(BaseCommand):
    help = "Encrypt personal data again with the first key of PERSONAL_DATA_KEYS."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)
            ]
            if not fields:
                continue
            count = 0
            rows = model._base_manager.only("pk", *fields)
            with transaction.atomic():
                for row in rows.iterator(chunk_size=500):
                    values = {name: getattr(row, name) for name in fields}
                    if any(values.values()):
                        model._base_manager.filter(pk=row.pk).update(**values)
                        count += 1
            self.stdout.write(f"{model._meta.label}: {count} rows encrypted again")
