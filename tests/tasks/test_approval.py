"""The street office's decision: only an official of that street office approves or refuses."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Outcome, Status, TaskEvent
from tests.scoping import covers
from tests.tasks.factories import TaskFactory

APPROVAL = {
    "authorisation_number": "东风街准〔2026〕12号",
    "authority": "区统计局授权社区协助统计",
    "scope_granted": "仅限本次统计",
    "deadline": "2026-04-30",
    "money_promised": "1500.00",
}


@pytest.fixture
def pending(world):
    return TaskFactory(community=world.community_a, title="临时人口统计报表")


@covers("tasks:task_approve", "tasks:task_refuse")
class TestDecisionScoping:
    def test_it_sends_anonymous_users_to_log_in(self, client, pending):
        for name in ("tasks:task_approve", "tasks:task_refuse"):
            response = client.post(reverse(name, args=[pending.pk]), APPROVAL)
            assert response.status_code == 302
            assert "/login/" in response["Location"]
        pending.refresh_from_db()
        assert pending.outcome == Outcome.PENDING

    def test_it_hides_the_task_from_another_street_office(self, as_user, official_b, pending):
        client = as_user(official_b)
        assert (
            client.post(reverse("tasks:task_approve", args=[pending.pk]), APPROVAL).status_code
            == 404
        )
        assert (
            client.post(
                reverse("tasks:task_refuse", args=[pending.pk]), {"reason": "不"}
            ).status_code
            == 404
        )
        pending.refresh_from_db()
        assert pending.outcome == Outcome.PENDING

    @pytest.mark.parametrize("persona", ["staff_a", "chair_a", "district_officer"])
    def test_it_forbids_those_who_may_see_but_not_decide(self, request, as_user, persona, pending):
        client = as_user(request.getfixturevalue(persona))
        assert (
            client.post(reverse("tasks:task_approve", args=[pending.pk]), APPROVAL).status_code
            == 403
        )
        assert (
            client.post(
                reverse("tasks:task_refuse", args=[pending.pk]), {"reason": "不"}
            ).status_code
            == 403
        )
        pending.refresh_from_db()
        assert pending.outcome == Outcome.PENDING
        assert pending.decided_by is None


def test_an_official_approves_with_document_authority_deadline_and_money(
    as_user, official_a, pending
):
    response = as_user(official_a).post(
        reverse("tasks:task_approve", args=[pending.pk]), APPROVAL, follow=True
    )
    pending.refresh_from_db()
    assert pending.outcome == Outcome.ASSIST_AUTHORISED
    assert pending.status == Status.ADMITTED
    assert pending.authorisation_number == "东风街准〔2026〕12号"
    assert pending.deadline == date(2026, 4, 30)
    assert pending.money_promised == Decimal("1500.00")
    assert pending.decided_by == official_a
    assert pending.decided_on == timezone.localdate()
    event = pending.events.get(kind=TaskEvent.Kind.APPROVED)
    assert event.by == official_a
    assert "12号" in event.note
    assert "批准" in response.content.decode() or "Approved" in response.content.decode()


@pytest.mark.parametrize(
    "missing", ["authorisation_number", "authority", "deadline", "money_promised"]
)
def test_approval_needs_every_field(as_user, official_a, pending, missing):
    data = {**APPROVAL, missing: ""}
    response = as_user(official_a).post(reverse("tasks:task_approve", args=[pending.pk]), data)
    assert response.status_code == 400
    assert response.context["approve_form"].errors[missing]
    pending.refresh_from_db()
    assert pending.outcome == Outcome.PENDING
    assert not pending.events.filter(kind=TaskEvent.Kind.APPROVED).exists()


def test_an_official_refuses_with_a_reason(as_user, official_a, pending):
    as_user(official_a).post(
        reverse("tasks:task_refuse", args=[pending.pk]), {"reason": "请部门自行办理"}
    )
    pending.refresh_from_db()
    assert (pending.outcome, pending.status) == (Outcome.REFUSED, Status.REFUSED)
    assert pending.refusal_reason == "请部门自行办理"
    assert pending.decided_by == official_a
    assert pending.events.get(kind=TaskEvent.Kind.REFUSED).by == official_a


def test_refusal_needs_a_reason(as_user, official_a, pending):
    response = as_user(official_a).post(
        reverse("tasks:task_refuse", args=[pending.pk]), {"reason": " "}
    )
    assert response.status_code == 400
    assert response.context["refuse_form"].errors["reason"]
    pending.refresh_from_db()
    assert pending.outcome == Outcome.PENDING


def test_a_decided_task_cannot_be_decided_again(as_user, official_a, pending):
    client = as_user(official_a)
    client.post(reverse("tasks:task_refuse", args=[pending.pk]), {"reason": "不属于社区"})
    response = client.post(reverse("tasks:task_approve", args=[pending.pk]), APPROVAL)
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.outcome == Outcome.REFUSED


def test_approval_keeps_hours_worked_while_pending_counted(
    as_user, official_a, pending, member_a, staff_a
):
    from tasks import services

    services.log_hours(
        staff_member=member_a, day=date(2026, 3, 3), hours="3", task=pending, by=staff_a
    )
    as_user(official_a).post(reverse("tasks:task_approve", args=[pending.pk]), APPROVAL)
    pending.refresh_from_db()
    assert pending.outcome == Outcome.ASSIST_AUTHORISED
    assert pending.worked_while_pending
    assert pending.time_entries.get().while_pending


class TestApprovalQueue:
    def test_it_lists_only_pending_tasks_of_the_officials_street_office(
        self, as_user, official_a, world
    ):
        mine = TaskFactory(community=world.community_a2, title="甲二的表")
        TaskFactory(community=world.community_b, title="乙的表")
        TaskFactory(community=world.community_a, title="已准入", outcome="duty", status="admitted")
        response = as_user(official_a).get(reverse("tasks:approval_queue"))
        rows = [row.record for row in response.context["table"].rows]
        assert rows == [mine]

    def test_it_flags_overdue_decisions(self, as_user, official_a, world):
        TaskFactory(community=world.community_a, received_on=date(2025, 1, 6))
        response = as_user(official_a).get(reverse("tasks:approval_queue"))
        assert response.context["overdue_count"] == 1
        assert "overdue" in response.content.decode() or "逾期" in response.content.decode()

    def test_its_refusal_form_offers_a_negative_list_item_as_soon_as_it_is_saved(
        self, as_user, official_a, world
    ):
        from tests.tasks.factories import CatalogueItemFactory

        client = as_user(official_a)
        client.get(reverse("tasks:approval_queue"))  # the forms' drawing kept
        item = CatalogueItemFactory(district=world.district, list="negative", item="代收费用")
        assert "代收费用" in client.get(reverse("tasks:approval_queue")).content.decode()
        item.item = "代收水电费"
        item.save()
        text = client.get(reverse("tasks:approval_queue")).content.decode()
        assert "代收水电费" in text and "代收费用" not in text

    @pytest.mark.parametrize("persona", ["staff_a", "chair_a"])
    def test_it_is_forbidden_to_committee_staff(self, request, as_user, persona):
        response = as_user(request.getfixturevalue(persona)).get(reverse("tasks:approval_queue"))
        assert response.status_code == 403

    def test_it_sends_anonymous_users_to_log_in(self, client, world):
        response = client.get(reverse("tasks:approval_queue"))
        assert response.status_code == 302
