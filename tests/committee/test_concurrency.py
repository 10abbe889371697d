"""Two people edit the same record: the later save is refused, shown, and merged — never lost.

For every record edited in a form: A and B both open the edit page; A saves a change; B
saves another change from the page drawn before A's save. B is refused, the page shows who
saved and what is on record now next to what B typed, and nothing of A's is overwritten.
B then keeps A's change, saves again (the page now carries the new version), and both
changes are on record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from committee.roles import Role
from committee.versions import VERSION_FIELD
from dashboards.models import Threshold
from dashboards.specs import SPECS
from staff.models import PayRecord
from staff.services import create_pay_scale
from surveys.models import Survey
from tests.factories import StaffMemberFactory, member
from tests.funds.factories import BudgetLineFactory, ExpenseFactory, IncomeFactory
from tests.staff.factories import InsuranceRatesFactory, WageBenchmarkFactory, make_pay
from tests.surveys.factories import QuestionFactory, SurveyFactory
from tests.tasks.factories import CatalogueItemFactory, TaskFactory

STALE = "after you opened it"
ON_RECORD = "On record now"


def sent(field, value):
    """A field's value as a browser sends it (None: a checkbox left unticked)."""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    shown = field.field.widget.format_value(field.field.prepare_value(value))
    return shown if isinstance(shown, list) else "" if shown is None else str(shown)


def form_data(form) -> dict:
    """What a browser would send back for this form as it is drawn (typed values included),
    with the hidden value each field was drawn with."""
    data = {}
    for field in form:
        value = sent(field, field.value())
        if value is not None:
            data[field.html_name] = value
        if field.field.show_hidden_initial:
            key = field.html_initial_name
            if form.is_bound and key in form.data:
                data[key] = form.data.getlist(key) if isinstance(value, list) else form.data[key]
            else:
                data[key] = "" if value is None else value
    return data


def page_data(response) -> dict:
    """The edit form of a page, with the pay scale's grade formset when there is one."""
    data = form_data(response.context["form"])
    grades = response.context.get("grades")
    if grades is not None:
        data.update(form_data(grades.management_form))
        for grade in grades.forms:
            data.update(form_data(grade))
    return data


@pytest.fixture
def as_user(as_user):
    """Clients that ask for the English page (the messages checked below are English)."""

    def english(user):
        client = as_user(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return english


@dataclass
class Case:
    """One editable model: how to make a record, its edit URL, who edits, what each types."""

    make: Callable
    url: str
    editors: str  # "community" (staff and chair of A) or "district" (two district officers)
    a: tuple[str, str]
    b: tuple[str, str]


def _task(world):
    return TaskFactory(community=world.community_a, title="原标题", description="")


def _question(world):
    survey = SurveyFactory(community=world.community_a, state=Survey.State.DRAFT)
    return QuestionFactory(survey=survey, text="原问题", kind="text")


def _pay_scale(world):
    return create_pay_scale(
        district=world.district, year=2026, base_amount=Decimal("3000"), user=None
    )


def _certificate_type(world):
    from certificates.services import load_certificate_types

    load_certificate_types(district=world.district)
    return world.district.certificate_types.order_by("pk").first()


CASES = {
    "task": Case(
        _task, "tasks:task_edit", "community", ("title", "甲改的标题"), ("description", "乙的说明")
    ),
    "catalogue item": Case(
        lambda w: CatalogueItemFactory(district=w.district),
        "tasks:catalogue_edit",
        "district",
        ("item", "甲改的事项"),
        ("basis", "乙改的依据"),
    ),
    "income": Case(
        lambda w: IncomeFactory(community=w.community_a, date=date(2026, 3, 1)),
        "funds:income_edit",
        "community",
        ("amount", "16000.00"),
        ("note", "乙的备注"),
    ),
    "expense": Case(
        lambda w: ExpenseFactory(community=w.community_a, date=date(2026, 4, 1)),
        "funds:expense_edit",
        "community",
        ("amount", "650.00"),
        ("note", "乙的备注"),
    ),
    "budget line": Case(
        lambda w: BudgetLineFactory(community=w.community_a, year=2026),
        "funds:budget_edit",
        "community",
        ("planned", "7000.00"),
        ("note", "乙的备注"),
    ),
    "spending category": Case(
        lambda w: w.district.spending_categories.order_by("pk").first(),
        "funds:category_edit",
        "district",
        ("name", "甲改的名称"),
        ("order", "77"),
    ),
    "staff member": Case(
        lambda w: StaffMemberFactory(community=w.community_a, phone="13800000000"),
        "staff:staff_edit",
        "community",
        ("name", "甲改的名字"),
        ("phone", "13911112222"),
    ),
    "pay record": Case(
        lambda w: make_pay(StaffMemberFactory(community=w.community_a), date(2026, 5, 1), "2000"),
        "staff:payrecord_edit",
        "chairs",  # pay is the chair's (and the district's) to edit, not every worker's
        ("performance_pay", "600.00"),
        ("other_allowances", "100.00"),
    ),
    "wage benchmark": Case(
        lambda w: WageBenchmarkFactory(district=w.district),
        "staff:benchmark_edit",
        "district",
        ("minimum_wage", "2500.00"),
        ("source", "乙的来源"),
    ),
    "insurance rates": Case(
        lambda w: InsuranceRatesFactory(district=w.district),
        "staff:insurance_edit",
        "district",
        ("base_minimum", "4100.00"),
        ("base_maximum", "31000.00"),
    ),
    "pay scale": Case(
        _pay_scale,
        "staff:payscale_edit",
        "district",
        ("base_amount", "3100.00"),
        ("source", "乙的来源"),
    ),
    "survey": Case(
        lambda w: SurveyFactory(community=w.community_a, state=Survey.State.DRAFT, title="原问卷"),
        "surveys:survey_edit",
        "community",
        ("title", "甲改的问卷"),
        ("description", "乙的说明"),
    ),
    "certificate type": Case(
        _certificate_type,
        "certificates:type_edit",
        "district",
        ("name_en", "Changed by A"),
        ("synonyms", "乙的别名"),
    ),
    "community": Case(
        lambda w: w.community_a,
        "committee:community_edit",
        "chairs",
        ("residents", "4321"),
        ("households", "1234"),
    ),
}


def _editors(world, kind):
    if kind == "district":
        return (
            member(Role.DISTRICT_OFFICER, world.district, username="officer_1"),
            member(Role.DISTRICT_OFFICER, world.district, username="officer_2"),
        )
    if kind == "chairs":
        return (
            member(Role.CHAIR, world.community_a, username="chair_1"),
            member(Role.CHAIR, world.community_a, username="chair_2"),
        )
    return (
        member(Role.STAFF, world.community_a, username="staff_1"),
        member(Role.CHAIR, world.community_a, username="chair_2"),
    )


def _url(case, record):
    if case.url == "surveys:question_edit":
        return reverse(case.url, args=[record.survey_id, record.pk])
    return reverse(case.url, args=[record.pk])


def _stored(record, name):
    record.refresh_from_db()
    return str(getattr(record, name))


@pytest.mark.parametrize("name", list(CASES) + ["question"])
def test_a_stale_edit_is_refused_shown_and_merged(name, world, as_user):
    case = CASES.get(name) or Case(
        _question,
        "surveys:question_edit",
        "community",
        ("text", "甲改的问题"),
        ("help_text", "乙的提示"),
    )
    record = case.make(world)
    user_a, user_b = _editors(world, case.editors)
    client_a, client_b = as_user(user_a), as_user(user_b)
    url = _url(case, record)
    data_a = page_data(client_a.get(url))
    data_b = page_data(client_b.get(url))
    assert data_a[VERSION_FIELD] == data_b[VERSION_FIELD] == str(record.version)
    (field_a, value_a), (field_b, value_b) = case.a, case.b
    before_b = _stored(record, field_b)

    response = client_a.post(url, {**data_a, field_a: value_a})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _stored(record, field_a) == value_a

    refused = client_b.post(url, {**data_b, field_b: value_b})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert STALE in page and user_a.username in page
    errors = refused.context["form"].errors
    assert any(ON_RECORD in e and value_a in e.replace(",", "") for e in errors[field_a])
    assert field_b not in errors  # B's own change is not marked as someone else's
    assert _stored(record, field_a) == value_a  # nothing of A's lost
    assert _stored(record, field_b) == before_b  # nothing of B's saved

    merged = page_data(refused)
    assert merged[field_b] == value_b  # what B typed is still there
    assert merged[VERSION_FIELD] == str(record.version)
    response = client_b.post(url, {**merged, field_a: value_a})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert (_stored(record, field_a), _stored(record, field_b)) == (value_a, value_b)
    assert record.edited_by == user_b


def test_a_decision_on_a_task_changed_meanwhile_is_refused(world, as_user, official_a):
    task = TaskFactory(community=world.community_a, title="原标题")
    staff = member(Role.STAFF, world.community_a, username="staff_1")
    detail = as_user(official_a).get(task.get_absolute_url())
    seen = detail.context["refuse_form"].initial[VERSION_FIELD]
    edit = reverse("tasks:task_edit", args=[task.pk])
    response = as_user(staff).post(edit, {**page_data(as_user(staff).get(edit)), "title": "甲改"})
    assert response.status_code == 302

    refuse = reverse("tasks:task_refuse", args=[task.pk])
    refused = as_user(official_a).post(refuse, {"reason": "不属于社区", VERSION_FIELD: seen})
    assert refused.status_code == 400
    assert STALE in refused.content.decode() and "staff_1" in refused.content.decode()
    task.refresh_from_db()
    assert task.outcome == "pending"

    again = as_user(official_a).post(refuse, {"reason": "不属于社区", VERSION_FIELD: task.version})
    assert again.status_code == 302
    task.refresh_from_db()
    assert (task.outcome, task.edited_by) == ("refused", official_a)


def test_a_status_change_on_a_task_changed_meanwhile_is_refused(world, as_user):
    task = TaskFactory(community=world.community_a, outcome="duty", status="admitted")
    staff, chair = _editors(world, "community")
    seen = as_user(staff).get(task.get_absolute_url()).context["status_form"].initial
    edit = reverse("tasks:task_edit", args=[task.pk])
    response = as_user(chair).post(edit, {**page_data(as_user(chair).get(edit)), "title": "乙改"})
    assert response.status_code == 302

    url = reverse("tasks:task_status", args=[task.pk])
    refused = as_user(staff).post(url, {"status": "in_progress", **seen}, follow=True)
    assert STALE in refused.content.decode() and "chair_2" in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "admitted"
    as_user(staff).post(url, {"status": "in_progress", VERSION_FIELD: task.version})
    task.refresh_from_db()
    assert (task.status, task.edited_by) == ("in_progress", staff)


TAMPERED = {
    "huge": {"TOTAL_FORMS": "100000000"},
    "negative": {"TOTAL_FORMS": "-3"},
    "not-a-number": {"TOTAL_FORMS": "many"},
    "no-management-form": {"TOTAL_FORMS": None, "INITIAL_FORMS": None},
}


class TestPayrollGrid:
    @pytest.fixture
    def grid(self, world):
        people = [StaffMemberFactory(community=world.community_a, name=n) for n in ("一号", "二号")]
        for person in people:
            make_pay(person, date(2026, 5, 1), "2000")
        return reverse("staff:payroll", args=[world.community_a.pk]) + "?month=2026-05"

    def grid_data(self, response):
        formset = response.context["formset"]
        data = form_data(formset.management_form)
        for form in formset.forms:
            data.update(form_data(form))
        return data

    def test_a_stale_row_is_refused_shown_and_merged(self, grid, world, as_user):
        staff, chair = _editors(world, "chairs")  # two who may enter pay
        data_a = self.grid_data(as_user(staff).get(grid))
        data_b = self.grid_data(as_user(chair).get(grid))
        response = as_user(staff).post(grid, {**data_a, "pay-0-performance_pay": "600.00"})
        assert response.status_code == 302

        refused = as_user(chair).post(grid, {**data_b, "pay-1-other_allowances": "50.00"})
        assert refused.status_code == 400
        page = refused.content.decode()
        assert escape(f"saved by {staff.username}") in page and ON_RECORD in page
        row = refused.context["formset"].forms[0]
        assert any("600.00" in e for e in row.errors["performance_pay"])
        assert self.figures(world) == {"一号": ("600.00", "0.00"), "二号": ("0.00", "0.00")}

        merged = self.grid_data(refused)
        assert merged["pay-1-other_allowances"] == "50.00"
        response = as_user(chair).post(grid, {**merged, "pay-0-performance_pay": "600.00"})
        assert response.status_code == 302
        assert self.figures(world) == {"一号": ("600.00", "0.00"), "二号": ("0.00", "50.00")}

    def figures(self, world):
        records = PayRecord.objects.filter(staff_member__community=world.community_a)
        return {
            r.staff_member.name: (str(r.performance_pay), str(r.other_allowances))
            for r in records.select_related("staff_member")
        }

    @pytest.mark.parametrize("tamper", list(TAMPERED))
    def test_a_tampered_grid_is_refused_clearly(self, grid, world, as_user, tamper):
        staff, _ = _editors(world, "chairs")
        data = self.grid_data(as_user(staff).get(grid))
        for key, value in TAMPERED[tamper].items():
            data[f"pay-{key}"] = value
        response = as_user(staff).post(grid, {k: v for k, v in data.items() if v is not None})
        assert response.status_code == 400
        assert "does not match this month" in response.content.decode()


@pytest.mark.parametrize("tamper", list(TAMPERED))
def test_a_tampered_grade_table_is_refused_clearly(world, as_user, tamper):
    scale = _pay_scale(world)
    officer, _ = _editors(world, "district")
    url = reverse("staff:payscale_edit", args=[scale.pk])
    data = page_data(as_user(officer).get(url))
    data["base_amount"] = "3900.00"
    for key, value in TAMPERED[tamper].items():
        data[f"grades-{key}"] = value
    response = as_user(officer).post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200
    assert "does not match this scale" in response.content.decode()
    scale.refresh_from_db()
    assert scale.base_amount == Decimal("3000.00")


def test_thresholds_saved_meanwhile_are_refused_shown_and_merged(world, as_user):
    x, y = [k for k, s in SPECS.items() if s.amber is not None and s.bad_when_high][:2]
    officer_1, officer_2 = _editors(world, "district")
    url = reverse("dashboards:thresholds", args=[world.district.pk])
    data_a = form_data(as_user(officer_1).get(url).context["form"])
    data_b = form_data(as_user(officer_2).get(url).context["form"])
    raised = {k: str(Decimal(data_a[f"{k}_red"]) + 1) for k in (x, y)}
    assert as_user(officer_1).post(url, {**data_a, f"{x}_red": raised[x]}).status_code == 302

    refused = as_user(officer_2).post(url, {**data_b, f"{y}_red": raised[y]})
    assert refused.status_code == 200
    assert "saved by officer_1" in refused.content.decode()
    form = refused.context["form"]
    assert any(ON_RECORD in e and raised[x] in e for e in form.errors[f"{x}_red"])
    stored = dict(Threshold.objects.filter(district=world.district).values_list("kind", "red"))
    scale = {k: 100 if SPECS[k].unit == "percent" else 1 for k in (x, y)}
    assert stored[x] * scale[x] == Decimal(raised[x])
    assert stored[y] * scale[y] == Decimal(data_b[f"{y}_red"])

    merged = {**form_data(form), f"{x}_red": raised[x]}
    assert as_user(officer_2).post(url, merged).status_code == 302
    stored = dict(Threshold.objects.filter(district=world.district).values_list("kind", "red"))
    assert [stored[k] * scale[k] for k in (x, y)] == [Decimal(raised[x]), Decimal(raised[y])]


def test_an_edit_of_a_record_deleted_meanwhile_is_refused_not_a_server_error(world):
    from django.core.exceptions import ValidationError

    from committee.versions import claim
    from funds.models import Income

    income = IncomeFactory(community=world.community_a, date=date(2026, 3, 1))
    Income.objects.filter(pk=income.pk).delete()
    with translation.override("en"), pytest.raises(ValidationError, match="deleted after you"):
        claim(income, user=None)
