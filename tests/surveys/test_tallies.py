"""The survey tallies equal what every answer says, kept by each way answers change (issue 15).

Questionnaires are submitted through ``submit_response`` (the tally upsert) or the public
form's ``receive_public_response`` (on PostgreSQL one statement for all of it), some moved
to another day or deleted afterwards, some answers typed in outside any service; then every
tally-read survey figure must equal the same figure counted from the answers, for several
period ends, and ``rollups check`` must find nothing to report.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from committee.models import Community
from dashboards import rollups
from surveys import metrics, services, tallies
from surveys.models import Answer, Response, Survey, Tally

ENDS = [date(2026, 2, 28), date(2026, 4, 30), date(2026, 6, 15), date(2026, 12, 31)]
days = st.dates(date(2026, 1, 1), date(2026, 6, 15))
questionnaires = st.lists(
    st.fixed_dictionaries(
        {
            "survey": st.integers(0, 2),
            "pick": st.integers(0, 3),
            "rating": st.integers(1, 5),
            "moved_to": st.one_of(st.none(), days),
            "deleted": st.booleans(),
            "public": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)


def at_ten(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def open_surveys(world, opens: list[date]) -> list[Survey]:
    found = []
    communities = [world.community_a, world.community_a, world.community_a2]
    for community, day in zip(communities, opens, strict=True):
        survey = services.create_survey(by=None, template_key="committee_role", community=community)
        services.open_survey(survey=survey)
        Survey.objects.filter(pk=survey.pk).update(opens=day)
        found.append(survey)
    return found


def submit(survey: Survey, spec: dict, n: int = 0) -> Response:
    nature = survey.questions.get(key="committee_nature")
    overall = survey.questions.get(key="overall_satisfaction")
    options = list(nature.choices.order_by("pk"))
    answers = {nature: options[spec["pick"] % len(options)], overall: spec["rating"]}
    if not spec.get("public"):
        return services.submit_response(survey=survey, answers=answers)
    receipt = services.receive_public_response(
        address=f"10.0.0.{n}", survey=survey, answers=answers
    )
    assert receipt.allowed and receipt.error is None
    return receipt.response


def assert_tallies_equal_answers(communities) -> None:
    for end in ENDS:
        args = (communities, date(2026, 1, 1), end)
        assert metrics.latest_surveys(*args) == metrics.latest_surveys_from_answers(*args)
        assert metrics.latest_committee_nature_counts(
            *args
        ) == metrics.latest_committee_nature_counts_from_answers(*args)
        assert metrics.latest_committee_nature_counts_by_community(
            *args
        ) == metrics.latest_committee_nature_counts_by_community_from_answers(*args)
        assert metrics.latest_average_satisfaction(
            *args
        ) == metrics.latest_average_satisfaction_from_answers(*args)
        assert metrics.representing_share_by_month(
            *args
        ) == metrics.representing_share_by_month_from_answers(*args)


@pytest.mark.django_db
@settings(
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=questionnaires, opens=st.lists(days, min_size=3, max_size=3))
def test_tallies_kept_by_every_write_equal_the_answers(world, specs, opens):
    communities = Community.objects.filter(street_office=world.street_a)
    with transaction.atomic():
        surveys = open_surveys(world, opens)
        for n, spec in enumerate(specs):
            response = submit(surveys[spec["survey"]], spec, n)
            if spec["moved_to"]:  # typed in with the wrong date, then corrected
                response.submitted_at = at_ten(spec["moved_to"])
                response.save()
            if spec["deleted"]:
                response.delete()
        # an answer added outside any service (the admin, a shell) is counted too
        late = Response.objects.create(survey=surveys[0], submitted_at=at_ten(opens[0]))
        nature = surveys[0].questions.get(key="committee_nature")
        Answer.objects.create(response=late, question=nature, choice=nature.choices.first())
        assert_tallies_equal_answers(communities)
        assert rollups.drift(communities, year=2026) == []
        transaction.set_rollback(True)


def test_a_questionnaire_is_tallied_with_one_statement(world):
    survey = open_surveys(world, [date(2026, 6, 1)] * 3)[0]
    nature = survey.questions.get(key="committee_nature")
    overall = survey.questions.get(key="overall_satisfaction")
    residents = nature.choices.get(key="residents")
    services.submit_response(survey=survey, answers={nature: residents, overall: 4})
    with CaptureQueriesContext(connection) as queries:
        services.submit_response(survey=survey, answers={nature: residents, overall: 5})
    tallying = [q["sql"] for q in queries if Tally._meta.db_table in q["sql"]]
    assert len(tallying) == 1 and tallying[0].startswith("INSERT")
    rows = Tally.objects.filter(survey=survey).values_list("choice_id", "answers", "total")
    assert sorted(rows, key=str) == sorted([(residents.pk, 2, 0), (None, 2, 9)], key=str)
    only_a = Community.objects.filter(pk=world.community_a.pk)
    today = timezone.localdate()
    assert metrics.latest_average_satisfaction(only_a, today, today) == Decimal("4.50")


def test_the_public_form_tallies_what_it_saves(world):
    survey = open_surveys(world, [date(2026, 6, 1)] * 3)[0]
    nature = survey.questions.get(key="committee_nature")
    residents = nature.choices.get(key="residents")
    for n, rating in enumerate([4, 5, 2]):
        submit(
            survey,
            {
                "pick": list(nature.choices.order_by("pk")).index(residents),
                "rating": rating,
                "public": True,
            },
            n,
        )
    rows = Tally.objects.filter(survey=survey).values_list("choice_id", "answers", "total")
    assert sorted(rows, key=str) == sorted([(residents.pk, 3, 0), (None, 3, 11)], key=str)
    ids = [world.community_a.pk]
    today = timezone.localdate()
    assert tallies.stored(ids, today, today) == tallies.compute(ids, today, today)
    assert Answer.objects.filter(response__survey=survey).count() == 6


def test_a_rebuild_restores_tallies_a_bulk_write_left_out_and_check_reports_it(world):
    # the response is submitted today, so its tallies are of this year
    today = timezone.localdate()
    survey = open_surveys(world, [today.replace(day=1)] * 3)[0]
    nature = survey.questions.get(key="committee_nature")
    overall = survey.questions.get(key="overall_satisfaction")
    services.submit_response(survey=survey, answers={nature: nature.choices.first(), overall: 3})
    Tally.objects.filter(survey=survey).update(answers=7)
    with pytest.raises(CommandError, match="1 rollups differ"):
        call_command("rollups", "check", "--community", world.community_a.code)
    year = str(today.year)
    call_command("rollups", "rebuild", "--community", world.community_a.code, "--year", year)
    call_command("rollups", "check")
    assert Tally.objects.get(survey=survey, question=nature).answers == 1
    assert tallies.stored([world.community_a.pk], date(today.year, 1, 1), date(today.year, 12, 31))
