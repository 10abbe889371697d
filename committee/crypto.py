"""Personal data encrypted at rest: national ID numbers and phones (PIPL).

``EncryptedCharField`` keeps its value as a Fernet token (AES-128-CBC with an HMAC,
from the ``cryptography`` package) in the database, and as plain text in Python: forms,
masking and pages work on the decrypted value exactly as before. The keys come from the
``PERSONAL_DATA_KEYS`` variable (settings.py): a comma-separated list, the first one
encrypts, every one decrypts, so a key is rotated by putting the new one first, running
``manage.py rotate_personal_data`` and then dropping the old one (docs/operations.md).

Nothing here is searchable by equality (a token differs each time); no page looks a
person up by ID number or phone. Should one need to, add a keyed hash beside the field
(:func:`lookup_hash`) and search that.

A value that is not a token (a row written before encryption) is read as it is, so the
data migration can encrypt existing rows by saving them again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


def _fernet_key(secret: str) -> bytes:
    """A Fernet key as given, or one derived from any other secret text."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def _keys() -> list[str]:
    keys = [k.strip() for k in getattr(settings, "PERSONAL_DATA_KEYS", []) if k.strip()]
    if not keys:
        raise ImproperlyConfigured("PERSONAL_DATA_KEYS is empty: personal data cannot be stored.")
    return keys


def cipher() -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in _keys()])


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode() if text else ""


def decrypt(stored: str | None) -> str:
    if not stored or not stored.startswith(TOKEN_PREFIX):
        return stored or ""
    try:
        return cipher().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Personal data cannot be decrypted with PERSONAL_DATA_KEYS: is a key missing?"
        ) from exc


def rotate(stored: str) -> str:
    """The same value, encrypted again with the first key."""
    if not stored or not stored.startswith(TOKEN_PREFIX):
        return encrypt(stored or "")
    return cipher().rotate(stored.encode()).decode()


def lookup_hash(text: str) -> str:
    """A keyed hash of a value, for finding it without decrypting every row."""
    key = _fernet_key(_keys()[0])
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    if getattr(settings, "PERSONAL_DATA_KEYS", None):
        return []
    return [
        checks.Error(
            "PERSONAL_DATA_KEYS is not set: national ID numbers and phones cannot be stored.",
            hint="Set it to a secret (docs/operations.md, personal data).",
            id="juwei.E001",
        )
    ]


class EncryptedCharField(models.TextField):
    """A short text (an ID number, a phone) stored encrypted; ``max_length`` limits the
    plain text, as the form and the validators see it."""

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def to_python(self, value):
        return value if value is None else str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def formfield(self, **kwargs):
        from django import forms

        defaults = {
            "form_class": forms.CharField,
            "max_length": self.plain_max_length,
            "widget": forms.TextInput,
        }
        return super().formfield(**{**defaults, **kwargs})

    def run_validators(self, value):
        if self.plain_max_length is not None and value and len(value) > self.plain_max_length:
            from django.core.validators import MaxLengthValidator

            MaxLengthValidator(self.plain_max_length)(value)
        super().run_validators(value)


def encrypt_existing(app_label: str, model_name: str, fields: tuple[str, ...]):
    """RunPython pair for a data migration: encrypt the rows written in plain text before
    the field was encrypted, and (backwards) write them back in plain text."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.using(schema_editor.connection.alias).only("pk", *fields)
        for row in rows.iterator(chunk_size=500):
            if any(getattr(row, name) for name in fields):
                row.save(update_fields=list(fields))  # read as plain text, saved encrypted

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        quote = schema_editor.connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(f"{quote(model._meta.get_field(n).column)} = %s" for n in fields)
        rows = model._base_manager.using(schema_editor.connection.alias).only("pk", *fields)
        with schema_editor.connection.cursor() as cursor:
            for row in rows.iterator(chunk_size=500):
                plain = [getattr(row, name) for name in fields]  # decrypted on reading
                cursor.execute(
                    f"UPDATE {table} SET {columns} WHERE {quote(model._meta.pk.column)} = %s",
                    [*plain, row.pk],
                )

    return forwards, backwards
