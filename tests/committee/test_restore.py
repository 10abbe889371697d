"""Recoverable delete (issue #17 point 2): a deleted money record comes back from its
history, by the chair or the district, checked as a new record, and the restore is kept."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from committee.generic import what_goes
from committee.models import AuditEntry
from funds import services as funds_services
from funds.models import Income
from tests.conftest import logged_in
from tests.scoping import ScopingTests


def new_income(world, user, *, voucher="", day=date(2026, 3, 1)):
    return funds_services.record_income(
        community=world.community_a,
        user=user,
        date=day,
        kind=Income.Kind.ALLOCATION,
        amount="15000",
        payer="区民政局",
        voucher=voucher,
    )


def delete_through_the_page(user, income, reason="录错了"):
    response = logged_in(user).post(
        reverse("funds:income_delete", args=[income.pk]), {"change_reason": reason}
    )
    assert response.status_code == 302
    return AuditEntry.objects.for_record(income).get(action=AuditEntry.Action.DELETE)


@pytest.fixture
def deleted(world, staff_a):
    return delete_through_the_page(staff_a, new_income(world, staff_a, voucher="V1"))


class TestRestorePage(ScopingTests):
    url_name, record = "committee:audit_restore", "deleted"
    owner, outsider, reader = "chair_a", "staff_b", "official_a"


def test_the_delete_page_says_it_can_be_restored(world, staff_a):
    income = new_income(world, staff_a)
    with translation.override("zh-hans"):
        page = logged_in(staff_a).get(reverse("funds:income_delete", args=[income.pk]))
    assert "社区书记/主任或区里可以恢复" in page.content.decode()


def test_the_delete_page_lists_what_goes_with_a_task(world, staff_a):
    from tasks.models import TaskEvent
    from tests.tasks.factories import TaskFactory

    task = TaskFactory(community=world.community_a)
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.LOGGED)
    going = what_goes(task)
    assert [kind for kind, _name in going] == [str(TaskEvent._meta.verbose_name)]


@pytest.mark.parametrize("persona", ["chair_a", "district_officer"])
def test_the_chair_or_the_district_restores_it_and_it_is_kept(request, persona, deleted):
    user = request.getfixturevalue(persona)
    url = reverse("committee:audit_restore", args=[deleted.pk])
    with translation.override("zh-hans"):
        assert "¥15000.00" in logged_in(user).get(url).content.decode()
    assert logged_in(user).post(url, {"reason": "误删"}).status_code == 302
    income = Income.objects.get(pk=deleted.object_id)
    assert income.voucher == "V1" and str(income.amount) == "15000.00"
    back = AuditEntry.objects.for_record(income).order_by("pk").last()
    assert back.action == AuditEntry.Action.CREATE
    assert back.reason == "误删" and back.actor == user


def test_a_reused_voucher_refuses_the_restore(world, staff_a, chair_a, deleted):
    new_income(world, staff_a, voucher="V1")
    url = reverse("committee:audit_restore", args=[deleted.pk])
    response = logged_in(chair_a).post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, with the refusal
    assert not Income.objects.filter(pk=deleted.object_id).exists()


def test_a_closed_year_refuses_the_restore(world, staff_a, chair_a):
    entry = delete_through_the_page(staff_a, new_income(world, staff_a, day=date(2025, 5, 1)))
    funds_services.close_year(community=world.community_a, year=2025, user=chair_a)
    url = reverse("committee:audit_restore", args=[entry.pk])
    assert logged_in(chair_a).post(url, {"reason": ""}).status_code == 200
    assert not Income.objects.filter(pk=entry.object_id).exists()


def test_a_restored_record_cannot_be_restored_twice(chair_a, deleted):
    url = reverse("committee:audit_restore", args=[deleted.pk])
    logged_in(chair_a).post(url, {"reason": ""})
    with translation.override("zh-hans"):
        page = logged_in(chair_a).get(url).content.decode()
    assert "此记录无法恢复" in page
    assert Income.objects.filter(pk=deleted.object_id).count() == 1
