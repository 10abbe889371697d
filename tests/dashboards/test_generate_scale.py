"""generate_scale: a district's worth of communities with a year of realistic records."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from committee.models import Community, Membership
from funds.models import Expense, Income
from staff.models import PayRecord, StaffMember
from surveys.models import Answer, Response
from tasks.models import Outcome, Task, TimeEntry
from tests.factories import DepartmentFactory, DistrictFactory
from tests.tasks.factories import CatalogueItemFactory


@pytest.fixture
def district(db):
    district = DistrictFactory(code="SC")
    for _ in range(6):
        DepartmentFactory(district=district)
    CatalogueItemFactory(district=district, list="duty")
    CatalogueItemFactory(district=district, list="assist")
    return district


def test_it_adds_communities_with_the_volumes_of_a_real_year(district):
    out = io.StringIO()
    last_year = timezone.localdate().year - 1  # a whole year, whatever the day
    call_command("generate_scale", communities=2, district="SC", year=last_year, stdout=out)
    assert "2 communities added" in out.getvalue()
    made = Community.objects.filter(street_office__district=district)
    assert made.count() == 2 and made.values("street_office").distinct().count() == 1
    for community in made:
        assert StaffMember.objects.filter(community=community).count() == 15
        assert Task.objects.filter(community=community).count() == 500
        assert TimeEntry.objects.filter(staff_member__community=community).count() == 6000
        assert PayRecord.objects.filter(staff_member__community=community).count() == 15 * 12
        assert Income.objects.filter(community=community).count() == 150
        assert Expense.objects.filter(community=community).count() == 250
        assert Response.objects.filter(survey__community=community).count() == 200
    outcomes = dict(Task.objects.values_list("outcome").annotate(n=Count("pk")))
    assert set(outcomes) == set(Outcome.values)
    assert outcomes[Outcome.PENDING] > 0 and outcomes[Outcome.REFUSED] > 0
    # A few departments push most of the work.
    busiest = Task.objects.values("department").annotate(n=Count("pk")).order_by("-n")
    assert busiest[0]["n"] > 2 * busiest.last()["n"]
    # Pay adds up: gross − the six individual contributions − tax = net.
    pay = PayRecord.objects.first()
    parts = sum(getattr(pay, f) for f in PayRecord.INDIVIDUAL) + pay.income_tax
    assert pay.gross - parts == pay.net
    assert Answer.objects.count() == 2 * 200 * 2
    hours = TimeEntry.objects.aggregate(total=Sum("hours"))["total"]
    assert 2 * 6000 * 1 < hours < 2 * 6000 * 4
    assert Membership.objects.filter(user__username="scale_street").exists()


def test_on_new_years_day_it_makes_the_one_day_of_records_there_is_and_stops(district):
    new_year = date(timezone.localdate().year + 1, 1, 1)
    with time_machine.travel(f"{new_year.isoformat()} 09:30 +08:00"):
        call_command("generate_scale", communities=1, district="SC", stdout=io.StringIO())
    entries = TimeEntry.objects.filter(staff_member__community__street_office__district=district)
    assert entries.exists()
    assert set(entries.values_list("date", flat=True)) == {new_year}
    assert entries.count() < 6000  # a day holds fewer distinct entries than a year
    assert Task.objects.filter(received_on__gt=new_year).count() == 0


def test_a_second_run_adds_more_street_offices(district):
    call_command("generate_scale", communities=1, district="SC", stdout=io.StringIO())
    call_command("generate_scale", communities=1, district="SC", stdout=io.StringIO())
    codes = sorted(Community.objects.values_list("code", flat=True))
    assert codes == ["S0001-01", "S0002-01"]


def test_it_refuses_nonsense(district):
    with pytest.raises(CommandError):
        call_command("generate_scale", communities=0, district="SC")
    with pytest.raises(CommandError):
        call_command("generate_scale", communities=1, district="NOPE")
