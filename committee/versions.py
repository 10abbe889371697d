"""Optimistic concurrency: an edit made on an old copy of a record is refused, never lost.

Every record people edit in a form is ``Versioned``: it keeps a version number and who
last changed it, when. The edit form carries the version it was drawn from (a hidden
``record_version`` field); the service that saves the change first *claims* that version
with one conditional UPDATE (``… WHERE pk = %s AND version = %s``). If someone else saved
in between, nothing is written and ``StaleEdit`` is raised with the record as it is now;
the view shows, field by field, what is on record now (who, when) next to what was typed,
and the form then carries the new version, so saving again is a deliberate merge.

The claim is one statement in the service's transaction, so two app servers on one
PostgreSQL, or two threads on SQLite, cannot both pass it for the same version.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERSION_FIELD = "record_version"


class Versioned(models.Model):
    """A record edited in forms: its version, and who last changed it and when."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=0, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=gettext_lazy("last changed by"),
    )
    edited_at = models.DateTimeField(
        gettext_lazy("last changed at"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True


class StaleEdit(ValidationError):
    """The form was drawn from an older version than the one on record (of one or more)."""

    def __init__(self, *records: Versioned):
        self.records = list(records)
        self.current = records[0]
        if len(records) == 1:
            super().__init__(stale_message(records[0]), code="stale")
        else:
            super().__init__([stale_row_message(r) for r in records], code="stale")


def _person(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def stale_message(current: Versioned) -> str:
    return _(
        "%(who)s saved this record at %(when)s, after you opened it. Your changes are not "
        "saved yet: each marked field shows what is on record now. Keep or change what you "
        "typed, then save again."
    ) % {"who": _person(current.edited_by), "when": _when(current)}


def _when(record: Versioned) -> str:
    if record.edited_at is None:
        return _("an unknown time")
    return formats.date_format(timezone.localtime(record.edited_at), "DATETIME_FORMAT")


def stale_row_message(current: Versioned) -> str:
    """One row of a grid saved by someone else since the grid was opened."""
    return _("%(record)s: saved by %(who)s at %(when)s, after you opened this page.") % {
        "record": current,
        "who": _person(current.edited_by),
        "when": _when(current),
    }


def _editor(user):
    return user if getattr(user, "is_authenticated", False) else None


def claim(record: models.Model, *, user, version: int | None = None) -> None:
    """Inside a service, before writing an existing record: refuse a stale edit.

    ``version`` is the one the form was drawn from (default: the record's own). On
    success the stored version goes up by one and the record carries who and when;
    the caller then saves the record as usual.
    """
    if not isinstance(record, Versioned):
        return
    now = timezone.now()
    editor = _editor(user)
    if record.pk is None:
        record.edited_by, record.edited_at = editor, now
        return
    expected = record.version if version is None else version
    rows = type(record)._base_manager.filter(pk=record.pk, version=expected)
    if not rows.update(version=F("version") + 1, edited_by=editor, edited_at=now):
        current = type(record)._base_manager.select_related("edited_by").filter(pk=record.pk)
        if not current:
            raise ValidationError(_("This record was deleted after you opened it."))
        raise StaleEdit(current[0])
    record.version, record.edited_by, record.edited_at = expected + 1, editor, now


def claim_many(records: list[Versioned], seen: dict[int, int | None], *, user) -> None:
    """Claim several records of one model at once (a grid): all are current, or none is written.

    ``seen`` maps each record's pk to the version its row was drawn from (None: the row
    was drawn before the record existed). The stale ones are named in ``StaleEdit``;
    otherwise one conditional UPDATE claims them all, and if it touches fewer rows than
    asked (a save in between), the service's transaction undoes the claim.
    """
    if not records:
        return
    model = type(records[0])
    now, editor = timezone.now(), _editor(user)
    stored = model._base_manager.select_for_update(of=("self",)).select_related("edited_by")
    by_pk = stored.in_bulk([r.pk for r in records])
    if len(by_pk) != len(records):
        raise ValidationError(_("A record of this page was deleted after you opened it."))
    stale = [by_pk[r.pk] for r in records if by_pk[r.pk].version != seen.get(r.pk)]
    if stale:
        raise StaleEdit(*stale)
    match = models.Q(pk__in=[])
    for record in records:
        match |= models.Q(pk=record.pk, version=seen[record.pk])
    claimed = model._base_manager.filter(match).update(
        version=F("version") + 1, edited_by=editor, edited_at=now
    )
    if claimed != len(records):  # saved by someone between the look and the claim
        raise StaleEdit(*model._base_manager.filter(pk__in=[r.pk for r in records]))
    for record in records:
        record.version, record.edited_by, record.edited_at = seen[record.pk] + 1, editor, now


# Forms --------------------------------------------------------------------------------------


def add_version_field(form: forms.BaseForm, record: models.Model | None) -> None:
    """Give an edit form the hidden version of the record it was drawn from."""
    if isinstance(record, Versioned) and record.pk is not None:
        # Not required: a post without it (a script, an older page) is checked against the
        # version read when the post arrived, as before; every page of the app sends it.
        form.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, initial=record.version, min_value=0, required=False
        )
        # Each field also carries the value the page was drawn with, so a refusal can tell
        # what the other person changed from what this one did.
        for name, field in form.fields.items():
            if name != VERSION_FIELD and not isinstance(field, forms.FileField):
                field.show_hidden_initial = True


def posted_version(form: forms.BaseForm) -> int | None:
    """The version a valid form was drawn from (None on a form without one)."""
    return form.cleaned_data.get(VERSION_FIELD) if VERSION_FIELD in form.fields else None


def shown(record: models.Model, field: models.Field) -> str:
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(record, field.name).all()) or "—"
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    value = getattr(record, field.name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return formats.localize(value) if not isinstance(value, models.Model) else str(value)


def _differs(field: models.Field, form, typed: models.Model, current: models.Model) -> bool:
    if field.many_to_many:
        chosen = form.cleaned_data.get(field.name) or []
        stored = getattr(current, field.name).values_list("pk", flat=True)
        return {o.pk for o in chosen} != set(stored)
    return field.value_from_object(typed) != field.value_from_object(current)


def _comparable(value):
    if isinstance(value, list | tuple | models.QuerySet):
        return {getattr(v, "pk", v) for v in value}
    if isinstance(value, str):
        return value.replace("\r\n", "\n")  # a browser sends a textarea's lines as CRLF
    return value


def _changed_meanwhile(form, name: str, stored) -> bool:
    """Whether the value on record differs from the one the page was drawn with.

    Read from the field's hidden initial value; without one (a post from a script) every
    difference counts as the other person's.
    """
    field = form.fields[name]
    key = form.add_initial_prefix(name)
    if not field.show_hidden_initial or key not in form.data:
        return True
    raw = field.hidden_widget().value_from_datadict(form.data, form.files, key)
    try:
        seen, now = field.to_python(raw), field.to_python(field.prepare_value(stored))
    except ValidationError:
        return True
    return _comparable(seen) != _comparable(now)


def _carry_initial(data, form, name: str, stored) -> None:
    """The page shown again was drawn with the values on record now."""
    value = form.fields[name].prepare_value(stored)
    key = form.add_initial_prefix(name)
    if isinstance(value, list | tuple):
        data.setlist(key, [str(getattr(v, "pk", v)) for v in value])
    else:
        data[key] = "" if value is None else str(value)


def show_stale(form: forms.BaseForm, error: StaleEdit, typed: models.Model | None = None) -> None:
    """Put a refused edit back on its form: the message, each field the other person changed
    that differs from what was typed, and the new version.

    ``typed`` is the record carrying what the user typed (a ModelForm's own instance by
    default). The form then carries the version now on record, so saving again is a merge.
    """
    current = error.current
    typed = typed if typed is not None else getattr(form, "instance", None)
    form.add_error(None, error)
    data = form.data.copy() if form.is_bound else None
    if typed is not None:
        for name in list(form.fields):
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete:
                continue
            stored = field.value_from_object(current)
            if _differs(field, form, typed, current) and _changed_meanwhile(form, name, stored):
                form.add_error(
                    name,
                    _("On record now: %(value)s") % {"value": shown(current, field)},
                )
            if data is not None and form.fields[name].show_hidden_initial:
                _carry_initial(data, form, name, stored)
    if VERSION_FIELD in form.fields and data is not None:
        data[form.add_prefix(VERSION_FIELD)] = str(current.version)
    if data is not None:
        form.data = data


class VersionForm(forms.Form):
    """A plain form acting on one versioned record (a decision): it carries the version seen."""

    record_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
