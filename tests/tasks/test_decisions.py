"""Decisions: the approval form starts from the task, a refusal names its kind of reason,
and the street office decides on many tasks at once with the same fields."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tasks.models import Outcome, RefusalKind, Status
from tests.tasks.factories import TaskFactory


@pytest.fixture
def asked(world):
    """Two tasks the department sent with their own deadline and money, waiting."""
    return [
        TaskFactory(
            community=world.community_a,
            deadline=date(2026, 7, 31),
            money_promised=Decimal("800.00"),
        ),
        TaskFactory(
            community=world.community_a2,
            deadline=date(2026, 8, 15),
            money_promised=Decimal("1200.00"),
        ),
    ]


def test_the_approval_form_starts_from_the_tasks_values(as_user, official_a, asked):
    page = as_user(official_a).get(reverse("tasks:task_detail", args=[asked[0].pk]))
    form = page.context["approve_form"]
    assert form["deadline"].value() == date(2026, 7, 31)
    assert form["money_promised"].value() == Decimal("800.00")


def test_a_refusal_names_a_negative_list_item(as_user, official_a, world, catalogue):
    task = TaskFactory(community=world.community_a)
    as_user(official_a).post(
        reverse("tasks:task_refuse", args=[task.pk]),
        {"kind": RefusalKind.NEGATIVE, "item": catalogue["negative"].pk},
    )
    task.refresh_from_db()
    assert (task.outcome, task.refusal_kind, task.refusal_item) == (
        Outcome.REFUSED,
        RefusalKind.NEGATIVE,
        catalogue["negative"],
    )


def test_a_negative_list_refusal_needs_its_item(as_user, official_a, world, catalogue):
    task = TaskFactory(community=world.community_a)
    response = as_user(official_a).post(
        reverse("tasks:task_refuse", args=[task.pk]),
        {"kind": RefusalKind.NEGATIVE, "item": catalogue["duty"].pk},  # not a negative item
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.outcome == Outcome.PENDING


def test_no_funding_needs_no_text(as_user, official_a, world):
    task = TaskFactory(community=world.community_a)
    as_user(official_a).post(
        reverse("tasks:task_refuse", args=[task.pk]), {"kind": RefusalKind.NO_FUNDING}
    )
    task.refresh_from_db()
    assert (task.outcome, task.refusal_kind) == (Outcome.REFUSED, RefusalKind.NO_FUNDING)


class TestBulk:
    url = reverse("tasks:approval_bulk")

    def test_approve_two_keeping_each_tasks_deadline_and_money(self, as_user, official_a, asked):
        as_user(official_a).post(
            self.url,
            {
                "pick": [t.pk for t in asked],
                "decision": "approve",
                "approve-authorisation_number": "甲街准〔2026〕3号",
                "approve-authority": "协助统计",
            },
        )
        for task, deadline, money in zip(
            asked, (date(2026, 7, 31), date(2026, 8, 15)), ("800.00", "1200.00"), strict=True
        ):
            task.refresh_from_db()
            assert (task.outcome, task.deadline, task.money_promised) == (
                Outcome.ASSIST_AUTHORISED,
                deadline,
                Decimal(money),
            )
            assert task.authorisation_number == "甲街准〔2026〕3号"

    def test_a_deadline_given_applies_to_all(self, as_user, official_a, asked):
        as_user(official_a).post(
            self.url,
            {
                "pick": [t.pk for t in asked],
                "decision": "approve",
                "approve-authorisation_number": "甲街准〔2026〕4号",
                "approve-authority": "协助统计",
                "approve-deadline": "2026-09-30",
            },
        )
        assert {
            t.deadline for t in type(asked[0]).objects.filter(pk__in=[t.pk for t in asked])
        } == {date(2026, 9, 30)}

    def test_all_or_nothing_when_one_task_lacks_a_deadline(self, as_user, official_a, asked, world):
        bare = TaskFactory(community=world.community_a)  # no deadline of its own
        response = as_user(official_a).post(
            self.url,
            {
                "pick": [asked[0].pk, bare.pk],
                "decision": "approve",
                "approve-authorisation_number": "甲街准〔2026〕5号",
                "approve-authority": "协助统计",
            },
            follow=True,
        )
        assert bare.title in response.content.decode()  # the message names the task
        asked[0].refresh_from_db()
        assert asked[0].outcome == Outcome.PENDING

    def test_refuse_many_for_one_reason(self, as_user, official_a, asked, catalogue):
        as_user(official_a).post(
            self.url,
            {
                "pick": [t.pk for t in asked],
                "decision": "refuse",
                "refuse-kind": RefusalKind.NEGATIVE,
                "refuse-item": catalogue["negative"].pk,
            },
        )
        for task in asked:
            task.refresh_from_db()
            assert (task.status, task.refusal_item) == (Status.REFUSED, catalogue["negative"])

    def test_another_street_offices_tasks_are_not_decided(self, as_user, official_a, world):
        other = TaskFactory(community=world.community_b)
        as_user(official_a).post(
            self.url,
            {
                "pick": [other.pk],
                "decision": "refuse",
                "refuse-kind": RefusalKind.NO_AUTHORITY,
            },
        )
        other.refresh_from_db()
        assert other.outcome == Outcome.PENDING

    def test_staff_may_not_decide(self, as_user, staff_a, asked):
        response = as_user(staff_a).post(
            self.url, {"pick": [asked[0].pk], "decision": "refuse", "refuse-kind": "no_funding"}
        )
        assert response.status_code == 403
        asked[0].refresh_from_db()
        assert asked[0].outcome == Outcome.PENDING

    def test_the_queue_offers_the_bulk_form(self, as_user, official_a, asked):
        page = as_user(official_a).get(reverse("tasks:approval_queue")).content.decode()
        assert 'id="bulk-decide"' in page
        ticks = [tag for tag in re.findall(r"<input[^>]*>", page) if 'name="pick"' in tag]
        assert sorted(re.search(r'value="(\d+)"', tag).group(1) for tag in ticks) == sorted(
            str(t.pk) for t in asked
        )
        assert all('form="bulk-decide"' in tag for tag in ticks)
