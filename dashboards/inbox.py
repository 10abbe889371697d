"""The 待办 inbox: what waits for this user, by role, with the count the header shows.

- street office (review right): approvals overdue, due within 3 working days, the others
  waiting — three disjoint lists, so together they are every task waiting for a decision;
- committee (change right): decisions the street office took on its tasks in the last
  14 days, admitted tasks past their deadline, surveys open, certificate requests sent
  back for evidence in the last 30 days;
- district (administer right): communities that turned red this month (red on some flag
  this month, red on none last month), found by the daily job (dashboards/reminders.py),
  since evaluating every flag of a district is too dear for a page header;
- everyone: reminders not yet read (dashboards/reminders.py).

``count(user)`` and ``sections(user)`` are built from the same querysets, so the number
in the header is the number of rows the inbox lists. The count is one query: a scalar
subquery per list, on the memberships already read for the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import Func, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateRequest
from certificates.models import Outcome as CertificateOutcome
from committee import prepared, scoping
from committee.roles import Action
from dashboards.models import Notification
from surveys.models import Survey
from tasks.models import Outcome, Status, Task
from tasks.workdays import add_working_days

SOON_WORKING_DAYS = 3
DECISIONS_DAYS = 14
CERTIFICATE_DAYS = 30
# Rows listed per section on the page; the count and the "all" link cover the rest.
LISTED = 50


@dataclass
class Section:
    """One list of the inbox: a heading, its rows, how many there are, a link to all."""

    key: str
    title: str
    rows: list = field(default_factory=list)
    count: int = 0
    more_url: str | None = None


# --- the querysets, shared by the count and the page --------------------------------------


def _waiting(user) -> models.QuerySet[Task]:
    return Task.objects.for_action(user, Action.REVIEW).awaiting_decision()


def approvals(user, today: date) -> dict[str, models.QuerySet[Task]]:
    """Tasks waiting for this street office's decision, split by how urgent they are."""
    soon = add_working_days(today, SOON_WORKING_DAYS).day
    waiting = _waiting(user).select_related("community", "department")
    return {
        "overdue": waiting.filter(decision_due__lt=today),
        "due_soon": waiting.filter(decision_due__gte=today, decision_due__lte=soon),
        "waiting": waiting.filter(models.Q(decision_due__gt=soon) | models.Q(decision_due=None)),
    }


def committee_lists(user, today: date) -> dict[str, models.QuerySet]:
    tasks = Task.objects.for_action(user, Action.CHANGE).select_related("community")
    return {
        "decided": tasks.filter(
            outcome__in=[Outcome.ASSIST_AUTHORISED, Outcome.REFUSED],
            decided_on__gte=today - timedelta(days=DECISIONS_DAYS),
        ).order_by("-decided_on", "-pk"),
        "past_deadline": tasks.filter(deadline__lt=today)
        .exclude(status__in=[Status.DONE, Status.WITHDRAWN, Status.REFUSED])
        .exclude(outcome__in=[Outcome.REFUSED, Outcome.PENDING])
        .order_by("deadline", "pk"),
        "surveys_open": Survey.objects.for_action(user, Action.CHANGE)
        .filter(state=Survey.State.OPEN)
        .order_by("closes", "pk"),
        "certificates": CertificateRequest.objects.for_action(user, Action.CHANGE)
        .filter(
            outcome=CertificateOutcome.REFERRED,
            requested_on__gte=today - timedelta(days=CERTIFICATE_DAYS),
        )
        .select_related("certificate_type", "community")
        .order_by("-requested_on", "-pk"),
    }


def unread(user) -> models.QuerySet[Notification]:
    """Reminders not yet marked done (the communities turned red are listed on their own)."""
    return (
        Notification.objects.filter(user=user, read_at=None)
        .exclude(kind=Notification.Kind.TURNED_RED)
        .select_related("task", "community")
    )


def turned_red(user, today: date) -> models.QuerySet[Notification]:
    """This month's notices that a community of the user's district turned red, not yet done."""
    return Notification.objects.filter(
        user=user,
        read_at=None,
        kind=Notification.Kind.TURNED_RED,
        due__gte=today.replace(day=1),
    ).select_related("community")


# --- the header's number and the page ------------------------------------------------------


def _roles(user) -> tuple[bool, bool, bool]:
    """(reviews tasks, works in a community, administers a district) — from memberships."""
    held = scoping.memberships(user)
    return (
        any(m.street_office_id for m in held),
        any(m.community_id for m in held),
        any(m.district_id for m in held),
    )


def _counted(queryset: models.QuerySet):
    """COUNT(*) of a queryset as a scalar subquery (no GROUP BY: one row, one number).

    COUNT(*), not COUNT(id): with no column to read, PostgreSQL counts a street office's
    pending tasks from the index task_community_pending alone (0.9 → 0.3 ms a page).
    """
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(n=Func(template="COUNT(*)", output_field=models.IntegerField()))
            .values("n")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )


def _lists(user, today: date) -> dict[str, models.QuerySet]:
    """Every list this user's roles give, by key (what the count adds up)."""
    street, community, district = _roles(user)
    found: dict[str, models.QuerySet] = {"reminders": unread(user)}
    if street:
        found["approvals"] = _waiting(user)
    if community:
        found.update(committee_lists(user, today))
    if district:
        found["turned_red"] = turned_red(user, today)
    return found


def count(user, today: date | None = None) -> int:
    """How many things wait for this user, the sum of the inbox's lists, in one query.

    Every page's header shows it, and building the query (a scalar subquery per list,
    each with the user's scope) cost more than running it: the query is built once per
    user, scope, day and database, and its SQL is run as it is after that. Everything it
    depends on is in the key, so a cached query counts exactly what a new one would.
    """
    today = today or timezone.localdate()
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    key = (alias, user.pk, user.is_active, user.is_superuser, _scope_key(user), today)
    compiled = _COUNT_SQL.get(key)
    if compiled is None:
        lists = _lists(user, today)
        counts = (
            user_model.objects.using(alias)
            .filter(pk=user.pk)
            .annotate(**{f"n_{key}": _counted(qs) for key, qs in lists.items()})
            .values(*[f"n_{key}" for key in lists])
        )
        compiled = counts.query.get_compiler(alias).as_sql()
        if len(_COUNT_SQL) >= COUNT_SQL_KEPT:
            _COUNT_SQL.clear()
        _COUNT_SQL[key] = compiled
    sql, params = compiled
    # Prepared on PostgreSQL (committee/prepared.py): planned once per connection, not on
    # every page.
    row = prepared.fetchone(sql, params, alias)
    return sum(row) if row else 0


# The count's SQL by (database, user, scope, day); cleared when it holds this many.
COUNT_SQL_KEPT = 2048
_COUNT_SQL: dict[tuple, tuple[str, tuple]] = {}


def _scope_key(user) -> tuple:
    """What the count's query depends on besides the user and the day: their memberships."""
    return tuple(
        sorted(
            (m.role, m.district_id or 0, m.street_office_id or 0, m.community_id or 0)
            for m in scoping.memberships(user)
        )
    )


def _section(key: str, title, queryset, more_url: str | None = None) -> Section:
    rows = list(queryset[:LISTED])
    total = len(rows) if len(rows) < LISTED else queryset.count()
    return Section(key=key, title=title, rows=rows, count=total, more_url=more_url)


def sections(user, today: date | None = None) -> list[Section]:
    """The inbox's lists, in the order a user works through them."""
    today = today or timezone.localdate()
    street, community, district = _roles(user)
    found = [_section("reminders", _("Reminders"), unread(user))]
    if street:
        queue = reverse("tasks:approval_queue")
        lists = approvals(user, today)
        found += [
            _section("overdue", _("Decisions overdue"), lists["overdue"], queue),
            _section(
                "due_soon",
                _("Decisions due within 3 working days"),
                lists["due_soon"],
                queue,
            ),
            _section("waiting", _("Other approvals waiting"), lists["waiting"], queue),
        ]
    if community:
        lists = committee_lists(user, today)
        found += [
            _section("decided", _("Decisions on our tasks (last 14 days)"), lists["decided"]),
            _section("past_deadline", _("Tasks past their deadline"), lists["past_deadline"]),
            _section(
                "surveys_open",
                _("Surveys open"),
                lists["surveys_open"],
                reverse("surveys:survey_list"),
            ),
            _section(
                "certificates",
                _("Certificate requests waiting for evidence (last 30 days)"),
                lists["certificates"],
                reverse("certificates:request_list"),
            ),
        ]
    if district:
        found.append(
            _section(
                "turned_red",
                _("Communities that turned red this month"),
                turned_red(user, today),
            )
        )
    return found
