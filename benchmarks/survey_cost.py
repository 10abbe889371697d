"""What one public survey submission costs the app: CPU ms and queries, in one process.

A resident's submission is three requests: open the form (GET), send it (POST, answered
with a redirect), read the thanks page (GET). This script makes RESPONDENTS distinct
respondents (each a new phone at its own address) do all three through Django's test
client with CSRF checks on, on the database of DATABASE_URL (a fresh test database is
made in it) or on SQLite, with production settings (DEBUG off), and prints per
submission: CPU milliseconds of this process (`time.process_time`), queries, and what a
quiet machine of N cores could take (N × 1000 ms ÷ CPU ms, before the database's share).

    scripts/with-postgres.sh .venv/bin/python benchmarks/survey_cost.py
    .venv/bin/python benchmarks/survey_cost.py --profile      # cProfile of the POSTs

The test client's own work (building the request, reading the response) is counted in,
so the figure is a little above what a gunicorn worker spends.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup() -> None:
    os.environ.setdefault("SECRET_KEY", "juwei-benchmark-only")
    os.environ.setdefault("PERSONAL_DATA_KEYS", "juwei-personal-data-development-only-key")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["WHITENOISE_USE_FINDERS"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "committee.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Static URLs without collectstatic's manifest (the page cost is the same).
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def make_survey():
    from load import answers_for  # benchmarks/load.py, beside this script

    from surveys import services
    from tests.factories import CommunityFactory

    survey = services.create_survey(
        by=None, template_key="committee_role", community=CommunityFactory()
    )
    services.open_survey(survey=survey)
    return survey, answers_for(survey)


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def respondent(client, n: int, path: str, thanks: str, answers: dict, phases: dict) -> None:
    """A new phone (no cookies) at its own address; one client keeps the loaded handler."""
    client.cookies.clear()
    client.defaults["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    started = time.process_time()
    page = client.get(path)
    token = CSRF_FIELD.search(page.content.decode()).group(1)
    got = time.process_time()
    sent = client.post(path, {**answers, "csrfmiddlewaretoken": token})
    posted = time.process_time()
    assert sent.status_code == 302, (sent.status_code, sent.content[:500])
    assert client.get(thanks).status_code == 200
    done = time.process_time()
    phases["form"] += got - started
    phases["submit"] += posted - got
    phases["thanks"] += done - posted


def run(count: int, survey, answers, counter, first: int = 0) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    path = survey.get_public_url()
    thanks = reverse("surveys:public_thanks", args=[survey.token])
    phases = {"form": 0.0, "submit": 0.0, "thanks": 0.0}
    for n in range(first, first + count):
        respondent(client, n, path, thanks, answers, phases)
    return phases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the measured run into FILE")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from surveys.models import Response

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        survey, answers = make_survey()
        counter = Counter()
        run(20, survey, answers, counter)  # warm: templates, translations, connections
        # CPU time, not wall time: waiting on the database is not this process's cost.
        profile = cProfile.Profile(time.process_time) if args.profile else None
        rounds = []
        with connection.execute_wrapper(counter):
            if profile:
                profile.enable()
            for r in range(args.rounds):
                first = 1000 + r * args.respondents
                rounds.append(run(args.respondents, survey, answers, counter, first=first))
            if profile:
                profile.disable()
        # The cheapest round: the one the other processes on the machine disturbed least.
        phases = min(rounds, key=lambda p: sum(p.values()))
        counter.n //= args.rounds
        saved = Response.objects.filter(survey=survey).count() - 20
        total_ms = sum(phases.values()) * 1000 / args.respondents
        print(
            f"{connection.vendor}: {args.rounds} × {args.respondents} submissions, {saved} saved;"
            f" per submission (best round): {total_ms:.1f} ms CPU"
            f" (form {phases['form'] * 1000 / args.respondents:.1f},"
            f" submit {phases['submit'] * 1000 / args.respondents:.1f},"
            f" thanks {phases['thanks'] * 1000 / args.respondents:.1f}),"
            f" {counter.n / args.respondents:.1f} queries;"
            f" {args.cores} quiet cores: {args.cores * 1000 / total_ms:.0f}/s before the"
            f" database's share; load {os.getloadavg()[0]:.1f}"
        )
        if profile:
            profile.dump_stats(args.profile)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
