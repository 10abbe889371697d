"""The role table (committee/roles.py), issue #17 point 6: pay by the chair and the district,
a year reopened by the district with a reason kept, thresholds by the district."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from committee.models import AuditEntry
from committee.roles import ROLE_ACTIONS, Action, Role
from funds import services as funds_services
from funds.models import FinancialYear
from staff import services as staff_services
from staff.models import PayRecord
from tests.conftest import logged_in
from tests.factories import StaffMemberFactory


def test_the_table_says_who_enters_pay():
    who = {role for role, actions in ROLE_ACTIONS.items() if Action.PAY in actions}
    assert who == {Role.CHAIR, Role.DISTRICT_OFFICER}


@pytest.fixture
def person(world):
    return StaffMemberFactory(community=world.community_a)


def payroll(user, person):
    row = staff_services.PayrollRow(staff_member=person, parts={"basic_pay": Decimal("3000")})
    return staff_services.record_payroll(
        month=date(2026, 5, 1), rows=[row], existing={}, rates=None, user=user
    )


class TestPay:
    def test_staff_may_not_save_the_payroll_grid(self, staff_a, person):
        with pytest.raises(PermissionDenied):
            payroll(staff_a, person)
        assert not PayRecord.objects.exists()

    @pytest.mark.parametrize("persona", ["chair_a", "district_officer"])
    def test_the_chair_and_the_district_save_it(self, request, persona, person):
        payroll(request.getfixturevalue(persona), person)
        assert PayRecord.objects.get().basic_pay == Decimal("3000.00")

    def test_staff_see_the_grid_refused_and_the_chair_opens_it(
        self, world, staff_a, chair_a, person
    ):
        url = reverse("staff:payroll", args=[world.community_a.pk]) + "?month=2026-05"
        assert logged_in(staff_a).get(url).status_code == 403
        assert logged_in(chair_a).get(url).status_code == 200

    def test_staff_may_not_open_a_pay_record_to_edit(self, staff_a, chair_a, person):
        record = payroll(chair_a, person)[0]
        url = reverse("staff:payrecord_edit", args=[record.pk])
        assert logged_in(staff_a).get(url).status_code == 403


class TestReopenYear:
    @pytest.fixture
    def closed(self, world, chair_a):
        return funds_services.close_year(community=world.community_a, year=2025, user=chair_a)

    def test_the_chair_may_not_reopen(self, world, chair_a, closed):
        with pytest.raises(PermissionDenied):
            funds_services.reopen_year(
                community=world.community_a, year=2025, user=chair_a, reason="错了"
            )

    def test_the_district_must_say_why(self, world, district_officer, closed):
        with pytest.raises(ValidationError):
            funds_services.reopen_year(
                community=world.community_a, year=2025, user=district_officer
            )
        assert FinancialYear.objects.get(pk=closed.pk).closed

    def test_the_reason_is_kept_in_the_history(self, world, district_officer, closed):
        url = reverse("funds:year_action", args=[world.community_a.pk, 2025, "reopen"])
        logged_in(district_officer).post(url, {"reason": "审计要求更正凭证"})
        assert not FinancialYear.objects.get(pk=closed.pk).closed
        entry = AuditEntry.objects.for_record(closed).order_by("pk").last()
        assert entry.reason == "审计要求更正凭证" and entry.actor == district_officer


class TestThresholds:
    def test_a_street_office_may_not_set_them(self, world, official_a):
        from dashboards import services
        from dashboards.flags import SPECS

        kind = next(iter(SPECS))
        with pytest.raises(PermissionDenied):
            services.set_thresholds(
                district=world.district, limits={kind: (None, Decimal("1"))}, user=official_a
            )

    def test_the_district_sets_them(self, world, district_officer):
        from dashboards import services
        from dashboards.flags import SPECS
        from dashboards.models import Threshold

        kind = next(iter(SPECS))
        services.set_thresholds(
            district=world.district, limits={kind: (None, Decimal("7"))}, user=district_officer
        )
        assert Threshold.objects.get(district=world.district, kind=kind).red == Decimal("7")
