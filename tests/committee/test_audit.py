"""History of changes (修改记录, issue #17 point 1): who, when, from where, why, old → new,
bulk writes included, on the record's page and in the audit log for the right roles only."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from committee.models import AuditEntry
from committee.roles import Role
from funds import services as funds_services
from funds.models import Income
from tests.conftest import logged_in
from tests.factories import StaffMemberFactory, member
from tests.funds.factories import IncomeFactory

D = Decimal
AUDIT_LOG = reverse("committee:audit_log")


@pytest.fixture
def income(world, staff_a):
    return funds_services.record_income(
        community=world.community_a,
        user=staff_a,
        date=date(2026, 3, 1),
        kind=Income.Kind.ALLOCATION,
        amount="15000",
        payer="区民政局",
        voucher="",
    )


def edit_amount(user, income, amount: str, reason: str = ""):
    data = {
        "date": "2026-03-01",
        "kind": Income.Kind.ALLOCATION,
        "payer": "区民政局",
        "amount": amount,
        "voucher": "",
        "note": "",
        "change_reason": reason,
    }
    client = logged_in(user)
    return client.post(
        reverse("funds:income_edit", args=[income.pk]), data, REMOTE_ADDR="203.0.113.7"
    )


def entries_of(record):
    return AuditEntry.objects.for_record(record).order_by("timestamp", "pk")


def test_an_edit_keeps_who_when_where_why_and_old_and_new(world, staff_a, income):
    assert edit_amount(staff_a, income, "14000", reason="凭证金额有误").status_code == 302
    created, changed = entries_of(income)
    assert created.action == AuditEntry.Action.CREATE
    assert changed.action == AuditEntry.Action.UPDATE
    assert changed.actor == staff_a
    assert changed.remote_addr == "203.0.113.7"
    assert changed.reason == "凭证金额有误"
    assert changed.community == world.community_a
    assert changed.changes_dict["amount"] == ["15000.00", "14000.00"]
    assert changed.cid  # grouped by request


def test_one_request_is_one_group(world, staff_a, income):
    """A delete (and its log lines) shares one group id; another request has another."""
    edit_amount(staff_a, income, "14000")
    logged_in(staff_a).post(reverse("funds:income_delete", args=[income.pk]))
    _created, changed, deleted = entries_of(income)
    assert deleted.action == AuditEntry.Action.DELETE
    assert deleted.cid and deleted.cid != changed.cid
    assert deleted.serialized_data["fields"]["amount"] == "14000.00"  # kept for a restore


def test_an_import_row_by_row_is_one_group(world, staff_a):
    """Outside a request a service call is the group: two incomes saved in one call."""
    from committee.services import service

    @service
    def import_two():
        for payer in ("甲", "乙"):
            funds_services.record_income(
                community=world.community_a,
                user=staff_a,
                date=date(2026, 3, 1),
                kind=Income.Kind.OTHER,
                amount="1",
                payer=payer,
                voucher="",
            )

    import_two()
    groups = set(
        AuditEntry.objects.filter(content_type__model="income").values_list("cid", flat=True)
    )
    assert len(groups) == 1 and None not in groups


def test_bulk_writes_of_the_payroll_grid_and_the_week_are_kept(world, staff_a):
    from staff import services as staff_services
    from staff.models import PayRecord
    from tasks import services as task_services
    from tasks.models import TimeEntry

    person = StaffMemberFactory(community=world.community_a)
    row = staff_services.PayrollRow(
        staff_member=person, parts={"basic_pay": D("4000.00")}, paid_on=None, net=None
    )
    staff_services.record_payroll(
        month=date(2026, 5, 1), rows=[row], existing={}, rates=None, user=None
    )
    record = PayRecord.objects.get(staff_member=person)
    assert entries_of(record).get().changes_dict["basic_pay"][1] == "4000.00"

    row = staff_services.PayrollRow(staff_member=person, parts={"basic_pay": D("4200.00")})
    staff_services.record_payroll(
        month=date(2026, 5, 1), rows=[row], existing={person.pk: record}, rates=None, user=None
    )
    changed = entries_of(record).last()
    assert changed.changes_dict["basic_pay"] == ["4000.00", "4200.00"]

    week = [None] * 7
    week[0] = "2"
    line = task_services.WeekRow(task=None, resident_work="safety", hours=week)
    task_services.save_week(staff_member=person, monday=date(2026, 6, 8), rows=[line], by=staff_a)
    entry = TimeEntry.objects.get(staff_member=person)
    assert entries_of(entry).get().action == AuditEntry.Action.CREATE
    task_services.save_week(staff_member=person, monday=date(2026, 6, 8), rows=[], by=staff_a)
    assert entries_of(entry).last().action == AuditEntry.Action.DELETE


def test_thresholds_set_by_the_district_are_kept(world, district_officer):
    from dashboards import services
    from dashboards.flags import SPECS
    from dashboards.models import Threshold

    kind = next(iter(SPECS))
    services.set_thresholds(district=world.district, limits={kind: (None, D("99"))})
    threshold = Threshold.objects.get(district=world.district, kind=kind)
    entry = entries_of(threshold).last()
    assert entry.district == world.district and entry.community is None
    assert AuditEntry.objects.visible_to(district_officer).filter(pk=entry.pk).exists()


class TestWhoReadsTheHistory:
    @pytest.fixture
    def entry(self, staff_a, income):
        edit_amount(staff_a, income, "14000", reason="更正")
        return entries_of(income).last()

    @pytest.mark.parametrize("persona", ["chair_a", "official_a", "district_officer"])
    def test_the_chair_the_street_office_and_the_district_read_it(self, request, persona, entry):
        user = request.getfixturevalue(persona)
        with translation.override("zh-hans"):
            page = logged_in(user).get(AUDIT_LOG, {"action": AuditEntry.Action.UPDATE})
        assert page.status_code == 200
        text = page.content.decode()
        assert "更正" in text and "15000.00 → 14000.00" in text

    def test_a_street_office_reads_none_of_another_street(self, official_b, entry):
        assert not AuditEntry.objects.visible_to(official_b).filter(pk=entry.pk).exists()
        page = logged_in(official_b).get(AUDIT_LOG)
        assert "更正" not in page.content.decode()

    def test_staff_may_not_open_the_audit_log(self, staff_a, entry):
        assert logged_in(staff_a).get(AUDIT_LOG).status_code == 403

    def test_anonymous_is_sent_to_log_in(self, client, entry):
        response = client.get(AUDIT_LOG)
        assert response.status_code == 302 and response.url.startswith("/login/")

    def test_the_chair_sees_it_on_the_record_page_and_staff_do_not(self, chair_a, staff_a, entry):
        url = reverse("funds:income_detail", args=[entry.object_id])
        with translation.override("zh-hans"):
            assert "更正" in logged_in(chair_a).get(url).content.decode()
            assert "更正" not in logged_in(staff_a).get(url).content.decode()

    def test_the_export_has_the_rows_the_chair_sees(self, chair_a, entry):
        import io

        import openpyxl

        response = logged_in(chair_a).get(AUDIT_LOG, {"export": "xlsx"})
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [str(c.value) for row in book.active.iter_rows() for c in row]
        assert any("15000.00 → 14000.00" in cell for cell in cells)

    def test_the_list_reads_in_few_queries(self, chair_a, entry, django_assert_max_num_queries):
        for n in range(5):
            IncomeFactory(community=entry.community, payer=f"p{n}")  # five more entries
        client = logged_in(chair_a)
        with django_assert_max_num_queries(20):
            client.get(AUDIT_LOG)


def test_a_second_community_chair_sees_only_their_own(world, income, staff_a):
    chair_b = member(Role.CHAIR, world.community_b, username="chair_b")
    edit_amount(staff_a, income, "14000")
    assert not AuditEntry.objects.visible_to(chair_b).filter(community=world.community_a).exists()
