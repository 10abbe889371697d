"""The certificate counts on the community dashboard and in its report equal the register."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateRequest
from committee.periods import Period
from dashboards.reports.content import community_report
from tests.certificates.conftest import NO_CRIME, PRACTICE


def _panel(panels, key):
    return next(p for p in panels if p.key == key)


def test_dashboard_counts_link_to_the_same_rows_in_the_register(
    as_user, staff_a, make_request, world
):
    today = timezone.localdate()
    first = date(today.year, 1, 1)
    days = [first, first + timedelta(days=40), today]
    for n, day in enumerate(days):
        make_request(world.community_a, requested_on=day)
        make_request(world.community_a, NO_CRIME, requested_on=day)
        if n % 2:
            make_request(world.community_a, PRACTICE, refer=True, evidence_needed="签到表")
    make_request(world.community_b, NO_CRIME, requested_on=today)  # another community
    make_request(world.community_a, NO_CRIME, requested_on=date(today.year - 1, 12, 31))
    client = as_user(staff_a)
    url = reverse("dashboards:community", args=[world.community_a.pk])
    response = client.get(url, {"period": "year", "at": today.year})
    panel = _panel(response.context["panels"], "certificates")
    checked = 0
    for row in panel.rows:
        for cell in row[1:]:
            assert cell.url, "every count links to the register"
            parts = urlsplit(cell.url)
            register = client.get(parts.path + "?" + parts.query)
            assert register.context["table"].paginator.count == int(cell.text)
            checked += 1
    assert checked == 3 * (len(panel.rows))
    total_row = panel.rows[-1]
    in_year = CertificateRequest.objects.filter(
        community=world.community_a, requested_on__year=today.year
    )
    assert [int(c.text) for c in total_row[1:]] == [
        in_year.filter(outcome=o).count() for o in ("issued", "refused", "referred")
    ]


def test_the_yearly_report_shows_the_dashboards_numbers(world, make_request):
    today = timezone.localdate()
    make_request(world.community_a)
    make_request(world.community_a, NO_CRIME)
    report = community_report(world.community_a, Period.year(today.year))
    panel = _panel(report["other_panels"], "certificates")
    assert [c.text for c in panel.rows[-1][1:]] == ["1", "1", "0"]
    institutions = _panel(report["other_panels"], "certificate_institutions")
    assert sum(int(row[-1].text) for row in institutions.rows) == 2
