"""Personal data encrypted at rest (issue #17 point 5): the database holds no ID number or
phone in plain text, pages read them as before, a full view is logged, keys rotate."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from committee import crypto
from committee.models import AuditEntry
from staff.models import StaffMember
from tests.conftest import logged_in
from tests.factories import StaffMemberFactory

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def raw(sql: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def person(world):
    return StaffMemberFactory(community=world.community_a, national_id=ID_NUMBER, phone=PHONE)


def test_the_database_holds_no_plain_id_number_or_phone(person):
    ((stored_id, stored_phone),) = raw("SELECT national_id, phone FROM staff_staffmember")
    assert ID_NUMBER not in stored_id and PHONE not in stored_phone
    assert stored_id.startswith(crypto.TOKEN_PREFIX)
    person = StaffMember.objects.get(pk=person.pk)
    assert (person.national_id, person.phone) == (ID_NUMBER, PHONE)


def test_the_chair_sees_it_in_full_and_it_is_logged(person, chair_a, staff_a):
    url = reverse("staff:staff_detail", args=[person.pk])
    assert ID_NUMBER in logged_in(chair_a).get(url).content.decode()
    staff_page = logged_in(staff_a).get(url).content.decode()
    assert ID_NUMBER not in staff_page and "110105********002X" in staff_page
    seen = AuditEntry.objects.for_record(person).filter(action=AuditEntry.Action.ACCESS)
    assert list(seen.values_list("actor__username", flat=True)) == ["chair_a"]


def test_the_history_keeps_no_plain_id_number(person):
    entry = AuditEntry.objects.for_record(person).get()
    assert ID_NUMBER not in str(entry.changes) and PHONE not in str(entry.changes)


def test_the_data_migration_encrypts_rows_written_in_plain_text(person):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE staff_staffmember SET national_id = %s, phone = %s", [ID_NUMBER, PHONE]
        )
    forwards, _backwards = crypto.encrypt_existing("staff", "staffmember", ("national_id", "phone"))
    forwards(apps, connection.schema_editor())
    ((stored_id, stored_phone),) = raw("SELECT national_id, phone FROM staff_staffmember")
    assert stored_id.startswith(crypto.TOKEN_PREFIX) and stored_phone.startswith("gAAAAA")
    assert StaffMember.objects.get(pk=person.pk).national_id == ID_NUMBER


def test_keys_rotate(person, settings):
    old = settings.PERSONAL_DATA_KEYS
    settings.PERSONAL_DATA_KEYS = ["a-new-key-for-the-test", *old]
    call_command("rotate_personal_data", stdout=io.StringIO())
    settings.PERSONAL_DATA_KEYS = ["a-new-key-for-the-test"]  # the old key dropped
    assert StaffMember.objects.get(pk=person.pk).national_id == ID_NUMBER
