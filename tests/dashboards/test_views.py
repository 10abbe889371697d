from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from committee.roles import Role
from dashboards import figure_cache
from dashboards.models import FlagKind, Threshold
from dashboards.revisions import bump
from tests.factories import CommunityFactory, DistrictFactory, StreetOfficeFactory, member
from tests.scoping import covers


def with_records(community) -> None:
    """Two hours of administrative work and a pooled allocation."""

    from dashboards.rollups import settle_pending
    from funds.models import Income
    from tasks.models import Nature, Task, TimeEntry
    from tests.factories import DepartmentFactory, StaffMemberFactory

    member = StaffMemberFactory(community=community)
    task = Task.objects.create(
        community=community,
        title="报表",
        department=DepartmentFactory(district=community.street_office.district),
        category="forms",
        nature=Nature.ADMINISTRATIVE,
        received_on=date.today(),
    )
    TimeEntry.objects.create(staff_member=member, task=task, date=date.today(), hours=2)
    for kind, amount in (("allocation", 15000), ("pooling", 6000)):
        Income.objects.create(
            community=community, date=date.today(), kind=kind, amount=amount, payer="区"
        )
    settle_pending()  # written outside a service: the rollups catch up before measuring


def location(response) -> str:
    return urlparse(response["Location"]).path


class TestHome:
    def test_it_lands_staff_and_chairs_on_their_community(self, client, world, staff_a, chair_a):
        for user in (staff_a, chair_a):
            client.force_login(user)
            response = client.get(reverse("home"))
            assert location(response) == reverse(
                "dashboards:community", args=[world.community_a.pk]
            )

    def test_it_lands_officials_on_their_street_office(self, as_user, world, official_a):
        response = as_user(official_a).get(reverse("home"))
        assert location(response) == reverse("dashboards:street_office", args=[world.street_a.pk])

    def test_it_lands_district_officers_on_the_district(self, as_user, world, district_officer):
        response = as_user(district_officer).get(reverse("home"))
        assert location(response) == reverse("dashboards:district", args=[world.district.pk])

    def test_it_sends_anonymous_visitors_to_log_in(self, client, world):
        assert location(client.get(reverse("home"))) == reverse("login")

    def test_the_nav_entry_leads_to_the_same_landing(self, as_user, world, official_a):
        response = as_user(official_a).get(reverse("dashboards:index"))
        assert location(response) == reverse("dashboards:street_office", args=[world.street_a.pk])


@covers("dashboards:community")
class TestCommunityDashboard:
    def url(self, community, query=""):
        return reverse("dashboards:community", args=[community.pk]) + query

    def test_it_shows_the_flags_of_the_community(self, as_user, world, staff_a, fake_metrics):
        world.community_a.residents = 6200
        world.community_a.save()
        page = as_user(staff_a).get(self.url(world.community_a)).content.decode()
        assert "甲社区" in page
        assert 'data-kind="admin_share"' in page
        assert "62\u00a0%" in page

    def test_it_keeps_the_period_in_the_url(self, as_user, world, staff_a, fake_metrics):
        response = as_user(staff_a).get(self.url(world.community_a, "?period=month&at=2026-03"))
        assert response.context["period"].start.isoformat() == "2026-03-01"
        page = response.content.decode()
        assert "period=month&amp;at=2026-02" in page  # previous month link
        assert "period=month&amp;at=2026-04" in page

    def test_it_hides_other_communities(self, as_user, world, staff_a, official_a):
        assert as_user(staff_a).get(self.url(world.community_b)).status_code == 404
        assert as_user(official_a).get(self.url(world.community_b)).status_code == 404

    def test_officials_see_their_communities(self, as_user, world, official_a, fake_metrics):
        response = as_user(official_a).get(self.url(world.community_a2))
        assert response.context["community"] == world.community_a2

    def test_anonymous_must_log_in(self, client, world):
        assert location(client.get(self.url(world.community_a))) == reverse("login")

    def test_a_month_without_a_survey_shows_the_latest_one_by_name(self, as_user, world, staff_a):
        from tests.surveys.test_metrics import opened, report_survey

        survey = report_survey(world.community_a, 35, 10, 5)
        opened(survey, date(2026, 2, 2), answered=date(2026, 2, 10))
        response = as_user(staff_a).get(self.url(world.community_a, "?period=month&at=2026-04"))
        panel = next(p for p in response.context["panels"] if p.key == "survey")
        assert [row[1].text for row in panel.rows[:3]] == ["35", "10", "5"]
        results = reverse("surveys:survey_results", args=[survey.pk]) + "?end=2026-04-30"
        assert panel.rows[0][1].url == results
        assert f'<a href="{results}">居民对居委会的认识调查</a>' in str(panel.note)
        assert "2026-02-02" in str(panel.note)
        flag = next(f for f in response.context["flags"] if f.kind == FlagKind.REPRESENTED_SHARE)
        assert flag.value == Decimal("0.2")


@covers("dashboards:street_office")
class TestStreetOfficeDashboard:
    def url(self, office, query=""):
        return reverse("dashboards:street_office", args=[office.pk]) + query

    def test_it_puts_the_worst_community_first(self, as_user, world, official_a, fake_metrics):
        world.community_a.residents = 2000  # 20 %: green
        world.community_a.save()
        world.community_a2.residents = 6200  # 62 %: red
        world.community_a2.save()
        response = as_user(official_a).get(self.url(world.street_a))
        rows = list(response.context["table"].rows)
        assert [row.record["name"] for row in rows] == ["甲二社区", "甲社区"]
        page = response.content.decode()
        assert '62\u00a0% <span class="flag-word">· 红</span>' in page  # value and word, not colour

    def test_it_sorts_by_any_flag(self, as_user, world, official_a, fake_metrics):
        world.community_a.residents = 2000
        world.community_a.save()
        world.community_a2.residents = 6200
        world.community_a2.save()
        response = as_user(official_a).get(self.url(world.street_a, "?sort=admin_share"))
        assert [r.record["name"] for r in response.context["table"].rows] == ["甲社区", "甲二社区"]

    @pytest.mark.parametrize(
        "query", ["?period=year&at=2026", "?period=custom&start=2026-02-10&end=2026-06-20"]
    )
    def test_the_street_office_as_a_whole_is_the_flags_of_its_communities(
        self, as_user, world, official_a, query
    ):
        """Its own totals come from the reads of its communities' flags (grouped per street
        office): the same figures, words and links as ``flags`` of its communities."""
        from committee.models import Community
        from committee.periods import Period
        from dashboards.flags import flags

        with_records(world.community_a)
        with_records(world.community_a2)
        response = as_user(official_a).get(self.url(world.street_a, query))
        period = response.context["period"]
        assert isinstance(period, Period)
        communities = Community.objects.filter(street_office=world.street_a)

        def shown(found):
            return [
                (f.kind, f.value, f.severity, f.too_few, str(f.label), f.value_text)
                + (f.explanation, f.threshold_text, f.url)
                for f in found
            ]

        together = flags(communities, period.start, period.end)
        assert shown(response.context["flags"]) == shown(together)
        assert {f.value for f in together} != {None}  # the comparison compared figures

    def test_it_is_hidden_from_community_staff_and_other_officials(
        self, as_user, world, staff_a, official_b
    ):
        assert as_user(staff_a).get(self.url(world.street_a)).status_code == 404
        assert as_user(official_b).get(self.url(world.street_a)).status_code == 404

    def test_the_district_sees_it(self, as_user, world, district_officer, fake_metrics):
        response = as_user(district_officer).get(self.url(world.street_b))
        assert [r.record["name"] for r in response.context["table"].rows] == ["乙社区"]

    def test_anonymous_must_log_in(self, client, world):
        assert location(client.get(self.url(world.street_a))) == reverse("login")

    def test_it_runs_the_same_queries_for_2_and_40_communities(
        self, as_user, world, official_a, django_assert_num_queries
    ):
        """With the apps' real metrics, and records in every community."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with_records(world.community_a)
        with_records(world.community_a2)
        client = as_user(official_a)
        client.get(self.url(world.street_a))
        figure_cache.salt = "two, cold"
        with CaptureQueriesContext(connection) as cold:
            client.get(self.url(world.street_a))
        with CaptureQueriesContext(connection) as warm:
            client.get(self.url(world.street_a))
        bump([world.community_a.pk])  # what a write through a service does
        with CaptureQueriesContext(connection) as written:
            client.get(self.url(world.street_a))
        for community in CommunityFactory.create_batch(38, street_office=world.street_a):
            with_records(community)
        figure_cache.salt = "forty, cold"
        with django_assert_num_queries(len(cold.captured_queries)):
            response = client.get(self.url(world.street_a))
        assert len(response.context["table"].rows) == 40
        with django_assert_num_queries(len(warm.captured_queries)):
            again = client.get(self.url(world.street_a))
        assert "table" not in again.context  # drawn before: the kept body is shown
        assert again.context["body"] == response.context["body"]
        bump([world.community_a.pk])
        with django_assert_num_queries(len(written.captured_queries)):
            assert len(client.get(self.url(world.street_a)).context["table"].rows) == 40
        assert len(warm.captured_queries) <= 10 < len(cold.captured_queries)
        # The frame, the key, the cache's reads and writes, each community's kept part
        # (twelve queries, docs/architecture.md) and what is read for the whole office.
        assert len(cold.captured_queries) <= 30 and len(written.captured_queries) <= 30


@covers("dashboards:district")
class TestDistrictDashboard:
    def url(self, district):
        return reverse("dashboards:district", args=[district.pk])

    def test_each_street_office_shows_its_own_totals_the_worst_first(
        self, as_user, world, district_officer, fake_metrics
    ):
        # The stand-in figure is residents / 10,000 summed over the communities given.
        for community, residents in ((world.community_a, 1000), (world.community_a2, 3000)):
            community.residents = residents
            community.save()
        world.community_b.residents = 6200
        world.community_b.save()
        response = as_user(district_officer).get(self.url(world.district))
        rows = list(response.context["table"].rows)
        # 乙街道 at 62 % has six reds, 甲街道 at 40 % (1,000 + 3,000) five: 乙 first.
        assert [r.record["name"] for r in rows] == ["乙街道", "甲街道"]
        a = rows[1].record["flags"]
        assert a[FlagKind.ADMIN_SHARE].value == Decimal("0.4")  # not its worst community's 30 %
        assert a[FlagKind.ADMIN_SHARE].severity.name == "AMBER"
        page = response.content.decode()
        for office in (world.street_a, world.street_b):
            assert reverse("dashboards:street_office", args=[office.pk]) + "?" in page

    def test_the_worst_communities_of_the_district_are_listed_beneath(
        self, as_user, world, district_officer, fake_metrics
    ):
        for community, residents in (
            (world.community_a, 1000),  # five reds
            (world.community_a2, 3000),  # five reds and two ambers
            (world.community_b, 6200),  # six reds
        ):
            community.residents = residents
            community.save()
        response = as_user(district_officer).get(self.url(world.district))
        listed = [r.record for r in response.context["worst_table"].rows]
        assert [r["name"] for r in listed] == ["乙社区", "甲二社区", "甲社区"]
        assert [r["street_office"] for r in listed] == ["乙街道", "甲街道", "甲街道"]
        page = response.content.decode()
        assert reverse("dashboards:community", args=[world.community_a2.pk]) + "?" in page

    def test_only_twenty_communities_are_listed(
        self, as_user, world, district_officer, fake_metrics
    ):
        CommunityFactory.create_batch(20, street_office=world.street_b)
        response = as_user(district_officer).get(self.url(world.district))
        assert len(response.context["worst_table"].rows) == 20

    def test_street_offices_come_twenty_to_a_page(
        self, as_user, world, district_officer, fake_metrics
    ):
        offices = StreetOfficeFactory.create_batch(21, district=world.district)
        client = as_user(district_officer)
        first = client.get(self.url(world.district))
        second = client.get(self.url(world.district) + "?page=2")
        names = [r.record["name"] for r in first.context["table"].page.object_list]
        names += [r.record["name"] for r in second.context["table"].page.object_list]
        assert len(first.context["table"].page.object_list) == 20
        assert sorted(names) == sorted([o.name for o in offices] + ["甲街道", "乙街道"])
        assert set(names[:2]) == {"甲街道", "乙街道"}  # with communities, so colours: first
        assert "?page=2" in first.content.decode()

    def test_it_is_hidden_from_officials_and_staff(self, as_user, world, official_a, staff_a):
        assert as_user(official_a).get(self.url(world.district)).status_code == 404
        assert as_user(staff_a).get(self.url(world.district)).status_code == 404

    def test_anonymous_must_log_in(self, client, world):
        assert location(client.get(self.url(world.district))) == reverse("login")

    def test_it_runs_the_same_queries_for_2_and_12_street_offices(
        self, as_user, world, district_officer, django_assert_max_num_queries
    ):
        """With the apps' real metrics, and records in every community."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for community in (world.community_a, world.community_a2, world.community_b):
            with_records(community)
        client = as_user(district_officer)
        client.get(self.url(world.district))
        figure_cache.salt = "two, cold"
        with CaptureQueriesContext(connection) as cold:
            client.get(self.url(world.district))
        with CaptureQueriesContext(connection) as warm:
            client.get(self.url(world.district))
        bump([world.community_b.pk])  # what a write through a service does
        with CaptureQueriesContext(connection) as written:
            client.get(self.url(world.district))
        for _ in range(10):
            office = StreetOfficeFactory(district=world.district)
            for community in CommunityFactory.create_batch(2, street_office=office):
                with_records(community)
        figure_cache.salt = "twelve, cold"
        with django_assert_max_num_queries(len(cold.captured_queries)):
            response = client.get(self.url(world.district))
        with django_assert_max_num_queries(len(warm.captured_queries)):
            again = client.get(self.url(world.district))
        assert again.context["body"] == response.context["body"]
        bump([world.community_b.pk])
        with django_assert_max_num_queries(len(written.captured_queries)):
            client.get(self.url(world.district))
        assert len(warm.captured_queries) <= 10 < len(cold.captured_queries)
        assert len(response.context["table"].rows) == 12
        assert len(response.context["worst_table"].rows) == 20
        office = response.context["table"].rows[0].record
        assert office["flags"][FlagKind.ADMIN_SHARE].value == Decimal("1")  # hours all admin


@covers("dashboards:thresholds")
class TestThresholds:
    def url(self, district):
        return reverse("dashboards:thresholds", args=[district.pk])

    def test_it_shows_the_defaults_without_any_setup(self, as_user, world, district_officer):
        page = as_user(district_officer).get(self.url(world.district)).content.decode()
        assert "默认 &gt; 30\u00a0%" in page
        assert not Threshold.objects.exists()  # looking writes nothing; the first save does

    def test_a_district_officer_changes_a_limit_and_the_colour_follows(
        self, as_user, world, district_officer, official_a, fake_metrics
    ):
        world.community_a.residents = 6200
        world.community_a.save()
        client = as_user(district_officer)
        form = client.get(self.url(world.district)).context["form"]
        data = {name: field.initial for name, field in form.fields.items()}
        data.update(admin_share_amber="60", admin_share_red="70")
        response = client.post(self.url(world.district), data)
        assert response.status_code == 302
        saved = Threshold.objects.get(district=world.district, kind=FlagKind.ADMIN_SHARE)
        assert (saved.amber, saved.red) == (Decimal("0.6"), Decimal("0.7"))
        street = as_user(official_a).get(
            reverse("dashboards:street_office", args=[world.street_a.pk])
        )
        row = next(r for r in street.context["table"].rows if r.record["name"] == "甲社区")
        assert row.record["flags"][FlagKind.ADMIN_SHARE].severity.css == "amber"

    def test_it_refuses_red_milder_than_amber(self, as_user, world, district_officer):
        client = as_user(district_officer)
        form = client.get(self.url(world.district)).context["form"]
        data = {name: field.initial for name, field in form.fields.items()}
        data.update(admin_share_amber="60", admin_share_red="40")
        response = client.post(self.url(world.district), data)
        assert response.status_code == 200
        assert "红色界限至少要和黄色界限一样严重" in response.content.decode()
        assert not Threshold.objects.exists()  # nothing saved: the defaults still apply

    def test_reset_puts_the_default_back(self, as_user, world, district_officer):
        Threshold.objects.ensure_for([world.district])
        Threshold.objects.filter(kind=FlagKind.POOLED_SHARE).update(red=Decimal("0.9"))
        client = as_user(district_officer)
        client.post(self.url(world.district), {"reset": FlagKind.POOLED_SHARE})
        saved = Threshold.objects.get(district=world.district, kind=FlagKind.POOLED_SHARE)
        assert saved.red == Decimal("0.40")

    def test_a_street_official_may_not_open_it(self, as_user, world, official_a, staff_a):
        assert as_user(official_a).get(self.url(world.district)).status_code == 403
        assert as_user(official_a).post(self.url(world.district), {"reset": "all"}).status_code == (
            403
        )
        assert as_user(staff_a).get(self.url(world.district)).status_code == 403

    def test_another_district_is_not_found(self, as_user, world, district_officer):
        other = DistrictFactory()
        assert as_user(district_officer).get(self.url(other)).status_code == 404

    def test_anonymous_must_log_in(self, client, world):
        assert location(client.get(self.url(world.district))) == reverse("login")

    def test_the_other_districts_officer_changes_only_their_own(self, as_user, world):
        other = DistrictFactory()
        officer = member(Role.DISTRICT_OFFICER, other)
        as_user(officer).post(self.url(other), {"reset": "all"})
        assert not Threshold.objects.filter(district=world.district).exists()
        assert Threshold.objects.filter(district=other).count() == len(FlagKind)


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
