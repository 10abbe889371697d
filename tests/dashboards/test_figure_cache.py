"""The street-office and district dashboards keep their figures (dashboards/figure_cache.py):
after any write through the services, the page drawn from the cache is the page drawn
afresh. A stale page is worse than a slow one."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from committee import charts
from committee.models import Community, Department
from committee.services import delete_record, save_community, save_record
from dashboards import figure_cache, flags, page_figures
from dashboards import services as dashboard_services
from dashboards.models import CommunityRevision, FlagKind
from funds.models import Income
from staff.models import StaffMember
from surveys import services as survey_services
from surveys.models import Survey
from tasks import services as task_services
from tasks.models import Nature, Status, Task, TimeEntry
from tests.dashboards.test_views import with_records
from tests.factories import DepartmentFactory, StaffMemberFactory, UserFactory
from tests.scoping import covers

TODAY = date(2026, 6, 15)  # tests/conftest.py's TEST_TODAY
TOGGLE = {
    Status.ADMITTED: Status.DONE,
    Status.DONE: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.DONE,
}
# What differs between two drawings of the same figures: the form's token, a chart's id.
NOISE = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"'
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return NOISE.sub("", response.content.decode())


def fresh(client, url: str) -> str:
    """The page with every figure computed now (a key no entry is kept under), its charts
    drawn and its flags worded afresh (nothing of the per-process drawings reused)."""
    kept = figure_cache.salt
    figure_cache.salt = kept + "-fresh"
    charts.clear_cache()
    flags.forget_words()
    try:
        return page(client, url)
    finally:
        figure_cache.salt = kept


# --- writes through the services, each changing what one of the pages shows ---------------


def income(world, rng):
    community = rng.choice([world.community_a, world.community_a2, world.community_b])
    save_record(
        Income(
            community=community,
            date=TODAY - timedelta(days=rng.randrange(40)),
            kind=rng.choice(["allocation", "pooling", "contribution"]),
            amount=Decimal(rng.randrange(100, 90000)),
            payer="区",
        ),
        user=None,
    )


def drop_income(world, rng):
    found = list(Income.objects.order_by("pk"))
    if found:
        delete_record(rng.choice(found), user=None)


def task_with_hours(world, rng):
    community = rng.choice([world.community_a, world.community_b])
    task = save_record(
        Task(
            community=community,
            title="报表",
            department=DepartmentFactory(district=world.district),
            category=rng.choice(["forms", "statistics", "inspection"]),
            nature=rng.choice([Nature.ADMINISTRATIVE, Nature.COMMUNITY]),
            received_on=TODAY - timedelta(days=rng.randrange(20)),
            status=Status.ADMITTED,
        ),
        user=None,
    )
    member = StaffMember.objects.filter(community=community).first()
    save_record(
        TimeEntry(staff_member=member, task=task, date=TODAY, hours=rng.randrange(1, 9)),
        user=None,
    )


def task_status(world, rng):
    """A task moves on (done, or back in progress): the pending tasks are read live."""
    if not Task.objects.filter(status__in=TOGGLE).exists():
        task_with_hours(world, rng)
    moving = list(Task.objects.filter(status__in=TOGGLE).order_by("pk"))
    if moving:
        task = rng.choice(moving)
        boss = UserFactory(is_superuser=True)
        task_services.change_status(task=task, status=TOGGLE[task.status], by=boss)


def move_staff(world, rng):
    """A staff member moves with their hours: both communities' figures change."""
    member = rng.choice(list(StaffMember.objects.order_by("pk")))
    member.community = rng.choice([world.community_a, world.community_a2, world.community_b])
    save_record(member, user=None)


def rename(world, rng):
    """The chair renames the community: its row on both pages says so."""
    community = rng.choice([world.community_a, world.community_a2])
    community.refresh_from_db()
    community.name = f"新{community.name}"
    save_community(community, user=None)


def rename_department(world, rng):
    """A department that pushed 甲街道 work is renamed: the department league of both
    pages says so (the street office keeps each community's league rows with the names)."""
    pushed = Task.objects.filter(community__street_office=world.street_a).values("department")
    department = rng.choice(list(Department.objects.filter(pk__in=pushed).order_by("pk")))
    department.name = f"新{department.name}"
    save_record(department, user=None)


def move_community(world, rng):
    """A community of 甲街道 moves to 乙街道 (or back, when 甲街道 would be left without one):
    both offices' rows change, and the page of the one it left loses its row."""
    staying = list(Community.objects.filter(street_office=world.street_a).order_by("pk"))
    if len(staying) > 1:
        community, moving_to = staying[-1], world.street_b
    else:
        community = Community.objects.filter(street_office=world.street_b).order_by("pk").last()
        moving_to = world.street_a
    community.street_office = moving_to
    save_community(community, user=None)


def threshold(world, rng):
    red = Decimal(rng.choice(["0.3", "0.5", "0.9"]))
    dashboard_services.set_thresholds(
        district=world.district, limits={FlagKind.ADMIN_SHARE: (None, red)}, user=None
    )


def answers(world, rng):
    """A resident's answers through the public form (no revision: the tallies change)."""
    survey = Survey.objects.filter(community=world.community_a).first()
    if survey is None:
        survey = survey_services.create_survey(
            by=None, template_key="committee_role", community=world.community_a
        )
        survey_services.open_survey(survey=survey)
    nature = survey.questions.get(key="committee_nature")
    overall = survey.questions.get(key="overall_satisfaction")
    choice = rng.choice(list(nature.choices.all()))
    survey_services.receive_public_response(
        address=f"10.0.0.{rng.randrange(250)}",
        survey=survey,
        answers={nature: choice, overall: rng.randrange(1, 6)},
    )


WRITES = [
    income,
    drop_income,
    task_with_hours,
    task_status,
    move_staff,
    rename,
    rename_department,
    move_community,
    threshold,
    answers,
]


@pytest.fixture
def pages(world, as_user, district_officer):
    for community in (world.community_a, world.community_a2, world.community_b):
        with_records(community)
    StaffMemberFactory(community=world.community_b)
    client = as_user(district_officer)
    return client, [
        reverse("dashboards:district", args=[world.district.pk]),
        reverse("dashboards:district", args=[world.district.pk]) + "?period=year&at=2026",
        reverse("dashboards:street_office", args=[world.street_a.pk]) + "?period=year&at=2026",
        reverse("dashboards:street_office", args=[world.street_a.pk]) + "?sort=-admin_share",
    ]


@covers("dashboards:district", "dashboards:street_office")
class TestFigureCache:
    @settings(
        max_examples=3,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown, not shrunk
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        writes=st.lists(st.sampled_from(WRITES), min_size=1, max_size=4), seed=st.integers(0, 99)
    )
    def test_a_kept_page_equals_a_fresh_one_after_any_write(self, world, pages, writes, seed):
        rng = random.Random(seed)
        client, urls = pages
        figure_cache.salt = f"property-{seed}-{len(writes)}-{rng.random()}"
        for url in urls:
            page(client, url)  # kept
        for write in writes:
            write(world, rng)
            for url in urls:
                assert page(client, url) == fresh(client, url), (write.__name__, url)

    @pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
    def test_each_write_changes_the_kept_page(self, world, pages, write):
        rng = random.Random(7)
        client, urls = pages
        kept = [page(client, url) for url in urls]
        for _ in range(2):  # the second time, the first one's records are there to change
            write(world, rng)
        now = [page(client, url) for url in urls]
        assert now == [fresh(client, url) for url in urls]
        assert now != kept  # the write changed what the pages show

    def test_a_repeated_page_reads_its_figures_from_the_cache(self, pages):
        client, urls = pages
        first = page(client, urls[0])
        with CaptureQueriesContext(connection) as again:
            assert page(client, urls[0]) == first
        assert not any("dashboards_monthlyrollup" in q["sql"] for q in again.captured_queries)

    def test_a_repeated_page_shows_the_body_it_drew(self, pages):
        """A warm visit draws only the site's frame: the tables, flags and panels come drawn
        from the cache (one query reads the key, one the kept body)."""
        client, urls = pages
        first = client.get(urls[2])
        assert "table" in first.context
        with CaptureQueriesContext(connection) as again:
            second = client.get(urls[2])
        assert "table" not in second.context
        assert second.context["body"] == first.context["body"]
        sql = [q["sql"] for q in again.captured_queries]
        assert len([q for q in sql if "juwei_figure_cache" in q]) == 1
        assert len([q for q in sql if "communityrevision" in q or "surveys_tally" in q]) == 1
        assert not [q for q in sql if "dashboards_monthlyrollup" in q]

    def test_each_query_string_keeps_its_own_body(self, world, pages):
        """The tables' links keep the query asked: a sorted page is not the plain one."""
        client, urls = pages
        plain, by_share = page(client, urls[2]), page(client, urls[3])
        assert plain != by_share
        assert page(client, urls[3]) == by_share == fresh(client, urls[3])
        assert page(client, urls[2]) == plain

    def test_a_page_with_another_parameter_is_drawn_each_time(self, world, pages):
        client, urls = pages
        url = urls[2] + "&utm_source=mail"
        assert "table" in client.get(url).context
        assert "table" in client.get(url).context  # drawn again: such bodies are not kept

    def test_new_templates_draw_the_body_again(self, pages, monkeypatch):
        """A deployment that changes how a body is drawn never shows one drawn before it."""
        client, urls = pages
        client.get(urls[2])
        assert "table" not in client.get(urls[2]).context
        monkeypatch.setattr(figure_cache, "_drawn", "another drawing")
        assert "table" in client.get(urls[2]).context

    def test_after_a_write_only_its_community_and_street_office_are_computed_again(
        self, world, pages, monkeypatch
    ):
        client, urls = pages
        page(client, urls[0])
        asked = []

        def spy(kind, real):
            def counted(communities, start, end):
                asked.append((kind, sorted(communities.values_list("pk", flat=True))))
                return real(communities, start, end)

            return counted

        for kind in ("judged_by_community", "flags_by_community", "flags_by_street_office"):
            monkeypatch.setattr(page_figures, kind, spy(kind, getattr(page_figures, kind)))
        world.community_b.residents = 4321
        save_community(world.community_b, user=None)
        after = page(client, urls[0])
        b = world.community_b.pk
        # Its standing and its street office's flags; the district's twenty worst are
        # shown, so the flags of the others among them are drawn again from their records.
        assert asked[:2] == [("flags_by_street_office", [b]), ("judged_by_community", [b])]
        assert asked[2:] == [
            ("flags_by_community", sorted([world.community_a.pk, world.community_a2.pk]))
        ]
        assert after == fresh(client, urls[0])

    def test_a_write_raises_the_revision_of_its_community_only(self, world, pages):
        def revision(community):
            found = CommunityRevision.objects.filter(community=community).first()
            return found.revision if found else 0

        before = {c.pk: revision(c) for c in (world.community_a, world.community_b)}
        residents_of_a = world.community_a
        residents_of_a.residents = 4321
        save_community(residents_of_a, user=None)
        assert revision(world.community_a) == before[world.community_a.pk] + 1
        assert revision(world.community_b) == before[world.community_b.pk]

    def test_a_write_outside_any_service_raises_it_at_once(self, world, pages):
        """The admin or a shell: no service flushes, the signal raises it in the write's
        own transaction (a reader after the commit never sees the old revision)."""
        survey = survey_services.create_survey(
            by=None, template_key="committee_role", community=world.community_b
        )
        before = CommunityRevision.objects.get(community=world.community_b).revision
        survey.title = "改过的标题"
        survey.save()
        assert CommunityRevision.objects.get(community=world.community_b).revision == before + 1

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement save")
    def test_the_public_form_does_not_queue_on_a_revision(self, world, pages):
        """Two hundred answers a second: the public form's save raises no revision (the
        tallies it adds to are in the key instead)."""
        rng = random.Random(3)
        answers(world, rng)  # the survey, made and opened through the services
        with CaptureQueriesContext(connection) as saved:
            answers(world, rng)
        assert saved.captured_queries
        assert not [q for q in saved.captured_queries if "communityrevision" in q["sql"]]


@covers("dashboards:street_office")
def test_after_a_write_a_street_office_reads_only_its_communitys_part(world, pages, monkeypatch):
    """Each community's flags and rollup and survey rows are kept with the page; after a
    write in one community only its part is read again (dashboards/community_facts.py)."""
    from dashboards import community_facts, paperwork_facts, survey_facts

    client, urls = pages
    url = urls[2]
    first = page(client, url)
    asked = []
    for module in (community_facts, survey_facts, paperwork_facts):

        def spy(ids, *args, real=module.read, name=module.__name__):
            asked.append((name, sorted(ids)))
            return real(ids, *args)

        monkeypatch.setattr(module, "read", spy)
    flagged = []
    real_flags = page_figures.flags_by_community

    def flags_spy(communities, start, end, only=None):
        flagged.append(None if only is None else sorted(only))
        return real_flags(communities, start, end, only=only)

    monkeypatch.setattr(page_figures, "flags_by_community", flags_spy)
    assert page(client, url) == first  # kept: nothing read
    assert asked == flagged == []
    a = world.community_a
    a.residents = 4321
    save_community(a, user=None)
    after = page(client, url)
    assert sorted(asked) == [
        ("dashboards.community_facts", [a.pk]),
        ("dashboards.paperwork_facts", [a.pk]),
        ("dashboards.survey_facts", [a.pk]),
    ]
    assert flagged == [[a.pk]]
    assert after == fresh(client, url)


@covers("dashboards:street_office")
def test_a_street_office_of_custom_dates_is_kept_and_redrawn_exactly(world, pages):
    """Custom dates read every figure live (no facts kept): kept, then after a write, the
    page is the one drawn afresh."""
    client, _urls = pages
    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    url += "?period=custom&start=2026-02-10&end=2026-06-15"
    first = page(client, url)
    assert first == fresh(client, url)
    rng = random.Random(5)
    task_with_hours(world, rng)
    income(world, rng)
    after = page(client, url)
    assert after == fresh(client, url)
    assert after != first
