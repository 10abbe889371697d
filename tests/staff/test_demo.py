"""The demo tells the field report's pay story, on the page and in the metrics."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from committee.models import Community
from staff import metrics
from staff.models import PayRecord, StaffMember
from staff.views import default_period


@pytest.fixture
def demo(demo_books, db):
    """The demo of this module (loaded once), each test in its own savepoint."""


def test_every_demo_community_has_its_roster_and_a_years_pay(demo):
    start, end = default_period()
    for community in Community.objects.all():
        staff = StaffMember.objects.filter(community=community)
        assert 4 <= staff.filter(kind="fulltime").count() <= 8
        assert 2 <= staff.filter(kind="assistant").count() <= 4
        months = (
            PayRecord.objects.monthly()
            .filter(staff_member__community=community)
            .between(start, end)
            .dates("month", "month")
        )
        assert len(months) == 12


def test_aiguos_full_time_workers_take_home_800_to_2000_below_assistants_and_minimum_wage(demo):
    aiguo = Community.objects.filter(name="爱国社区")
    start, end = default_period()
    summary = metrics.net_pay_summary(aiguo, start, end)
    fulltime, assistants = summary["fulltime"], summary["assistant"]
    assert Decimal("800") <= fulltime.lowest and fulltime.highest <= Decimal("2000")
    assert fulltime.highest < assistants.lowest
    ratios = metrics.pay_ratios(aiguo, start, end)
    assert ratios.to_minimum_wage < 1 and ratios.to_assistants < 1
    assert metrics.months_without_employer_insurance(aiguo, start, end) > 0


def test_aiguos_pay_page_shows_full_time_below_assistants_and_minimum_wage(demo, client):
    client.force_login(get_user_model().objects.get(username="aiguo"))
    aiguo = Community.objects.filter(name="爱国社区")
    start, end = default_period()
    ratios = metrics.pay_ratios(aiguo, start, end)
    page = client.get(reverse("staff:community_pay", args=[aiguo.get().pk])).content.decode()
    # Both ratios are below 1, so both cells are marked; each prints as a whole percent.
    assert ratios.to_minimum_wage < 1 and ratios.to_assistants < 1
    for ratio in (ratios.to_minimum_wage, ratios.to_assistants):
        whole = int(ratio * 100 + Decimal("0.5"))  # 四舍五入 to the whole percent
        assert f'class="num below">{whole}\u00a0%' in page
    assert "演示数据" in client.get(reverse("staff:benchmark_list")).content.decode()


def test_aiguo_sees_personal_data_masked_and_aiguo_chair_whole_heping_nothing(demo, client):
    from io import BytesIO

    from openpyxl import load_workbook

    from staff.validators import mask_national_id, mask_phone

    users = get_user_model().objects
    person = StaffMember.objects.filter(community__name="爱国社区").order_by("pk").first()
    whole = (person.national_id, person.phone)
    masked = (mask_national_id(person.national_id), mask_phone(person.phone))
    detail = reverse("staff:staff_detail", args=[person.pk])

    def seen(username):
        client.force_login(users.get(username=username))
        listing = client.get(reverse("staff:staff_list")).content.decode()
        page = client.get(detail)
        export = client.get(reverse("staff:staff_list"), {"export": "xlsx"})
        sheet = load_workbook(BytesIO(b"".join(export.streaming_content)), read_only=True)
        cells = {str(v) for row in sheet.active.iter_rows(values_only=True) for v in row}
        return listing, page, cells

    listing, page, cells = seen("aiguo")
    for text in (listing, page.content.decode(), cells):
        assert all(m in text for m in masked) and not any(w in text for w in whole)
    listing, page, cells = seen("aiguo_chair")
    for text in (listing, page.content.decode(), cells):
        assert all(w in text for w in whole)
    listing, page, cells = seen("heping")
    assert detail not in listing and "爱国社区" not in listing and page.status_code == 404
    assert whole[0] not in cells and masked[0] not in cells
    pay = client.get(reverse("staff:payrecord_list")).content.decode()
    assert "和平社区" in pay and "爱国社区" not in pay
