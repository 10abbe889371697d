"""Every model the issue lists keeps its history: a change shows the field's old and new
value, a delete is an entry of its own (issue #17, acceptance point 1)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from committee.models import AuditEntry, Membership
from committee.roles import Role
from dashboards.models import Threshold
from staff import services as staff_services
from tests.factories import StaffMemberFactory, member
from tests.funds.factories import BudgetLineFactory, ExpenseFactory, IncomeFactory
from tests.staff.factories import InsuranceRatesFactory, WageBenchmarkFactory, make_pay
from tests.surveys.factories import QuestionFactory, SurveyFactory
from tests.tasks.factories import CatalogueItemFactory, TaskFactory, TimeEntryFactory


@dataclass
class Case:
    make: Any  # world → a saved record
    field: str
    value: Any


def _threshold(world):
    Threshold.objects.ensure_for([world.district])
    return Threshold.objects.filter(district=world.district).order_by("pk").first()


def _membership(world):
    member(Role.STAFF, world.community_a, username="someone")
    return Membership.objects.get(user__username="someone")


def _pay_scale(world):
    return staff_services.create_pay_scale(
        district=world.district, year=2026, base_amount=Decimal("3000"), user=None
    )


CASES = {
    "task": Case(lambda w: TaskFactory(community=w.community_a), "title", "改过的标题"),
    "approval": Case(
        lambda w: TaskFactory(community=w.community_a), "authorisation_number", "东街〔2026〕3号"
    ),
    "time entry": Case(
        lambda w: TimeEntryFactory(staff_member__community=w.community_a), "hours", Decimal("2.5")
    ),
    "income": Case(lambda w: IncomeFactory(community=w.community_a), "payer", "区财政局"),
    "expense": Case(lambda w: ExpenseFactory(community=w.community_a), "payee", "电力公司"),
    "budget line": Case(
        lambda w: BudgetLineFactory(community=w.community_a), "planned", Decimal("1234.00")
    ),
    "pay record": Case(
        lambda w: make_pay(StaffMemberFactory(community=w.community_a), date(2026, 5, 1), "2000"),
        "performance_pay",
        Decimal("321.00"),
    ),
    "staff member": Case(lambda w: StaffMemberFactory(community=w.community_a), "name", "新名字"),
    "survey": Case(lambda w: SurveyFactory(community=w.community_a), "title", "改过的问卷"),
    "question": Case(
        lambda w: QuestionFactory(survey=SurveyFactory(community=w.community_a)), "text", "新问题"
    ),
    "threshold": Case(_threshold, "red", Decimal("0.9")),
    "catalogue item": Case(
        lambda w: CatalogueItemFactory(district=w.district), "item", "改过的事项"
    ),
    "pay scale": Case(_pay_scale, "source", "区人社局文件"),
    "insurance rates": Case(
        lambda w: InsuranceRatesFactory(district=w.district), "source", "新的来源"
    ),
    "wage benchmark": Case(
        lambda w: WageBenchmarkFactory(district=w.district), "source", "新的来源"
    ),
    "membership": Case(_membership, "role", Role.CHAIR),
}


@pytest.mark.parametrize("name", CASES)
def test_a_change_and_a_delete_leave_their_entries(name, world):
    case = CASES[name]
    record = case.make(world)
    label, pk = record._meta.label, record.pk
    old = getattr(record, case.field)
    setattr(record, case.field, case.value)
    record.save()

    changed = AuditEntry.objects.for_record(record).filter(action=AuditEntry.Action.UPDATE)
    assert changed.exists(), f"{label}: no entry for the change"
    old_new = changed.latest("pk").changes_dict[case.field]
    assert old_new[1] != old_new[0]
    assert str(case.value) in str(old_new[1]) or str(old_new[1]) in str(case.value), old_new
    assert str(old) in str(old_new[0]) or str(old_new[0]) in str(old), old_new

    record.delete()
    deleted = AuditEntry.objects.filter(
        content_type__app_label=label.split(".")[0],
        content_type__model=label.split(".")[1].lower(),
        object_pk=str(pk),
        action=AuditEntry.Action.DELETE,
    )
    assert deleted.exists(), f"{label}: no entry for the delete"
