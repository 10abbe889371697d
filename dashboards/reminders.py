"""Reminders before a deadline, as a background job (django-tasks, the short queue).

Run once a day (``python manage.py send_reminders`` from cron queues it; ``--now`` runs it
in place). For each deadline three working days ahead, and for each deadline today:

- a task waiting for the street office's decision (``decision_due``): its street office's
  officials are reminded;
- an admitted task not yet done (``deadline``): its community's staff and chair are;
- and a district's officers hear of each community that turned red this month.

Each reminder is a ``Notification`` in the user's 待办 inbox, and an e-mail when
``REMINDER_EMAILS`` is on (an SMTP server is configured) and the user has an address.
The job may run any number of times a day: a reminder is written once per user, task,
kind and date (a unique constraint), and only a new one is e-mailed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from committee.jobs import DEFAULT
from committee.models import Community
from committee.roles import Role
from committee.services import service
from dashboards.flags import Severity, flags_by_community, worst
from dashboards.models import Notification
from tasks.models import Outcome, Status, Task
from tasks.workdays import add_working_days

SOON_WORKING_DAYS = 3
Kind = Notification.Kind


def soon_window(today: date) -> tuple[date, date]:
    """Due dates that are three working days away today: (after, up to and including).

    A due date on a weekend or holiday falls in the window of the working day before it,
    so whichever day the job runs, each deadline is reminded once.
    """
    return (
        add_working_days(today, SOON_WORKING_DAYS - 1).day,
        add_working_days(today, SOON_WORKING_DAYS).day,
    )


def _due_between(field: str, today: date) -> list[tuple[str, Q]]:
    after, until = soon_window(today)
    return [
        ("soon", Q(**{f"{field}__gt": after, f"{field}__lte": until})),
        ("today", Q(**{field: today})),
    ]


def _recipients(tasks, *, by: str) -> dict[int, list]:
    """{task pk: users to remind}: the street office's officials, or the community's people."""
    users = get_user_model().objects.filter(is_active=True)
    wanted: dict[int, list] = {}
    if by == "street_office":
        offices = {t.community.street_office_id for t in tasks}
        held = users.filter(
            memberships__role=Role.STREET_OFFICIAL, memberships__street_office__in=offices
        ).values_list("pk", "memberships__street_office", "email")
        held = list(held)
        for t in tasks:
            wanted[t.pk] = [
                (pk, email) for pk, o, email in held if o == t.community.street_office_id
            ]
    else:
        communities = {t.community_id for t in tasks}
        held = users.filter(
            memberships__role__in=[Role.STAFF, Role.CHAIR], memberships__community__in=communities
        ).values_list("pk", "memberships__community", "email")
        held = list(held)
        for t in tasks:
            wanted[t.pk] = [(pk, email) for pk, c, email in held if c == t.community_id]
    return wanted


def _email(notification: Notification, email: str) -> None:
    """E-mail a new reminder when e-mail is set up and the user has an address."""
    if not settings.REMINDER_EMAILS or not email:
        return
    subject_of = notification.task.title if notification.task else notification.community.name
    target = (
        notification.task.get_absolute_url()
        if notification.task
        else reverse("dashboards:community", args=[notification.community_id])
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Juwei reminder: %(what)s — %(task)s") % {
            "what": notification.get_kind_display(),
            "task": subject_of,
        }
        body = _("%(what)s: %(task)s (%(community)s), due %(due)s.") % {
            "what": notification.get_kind_display(),
            "task": subject_of,
            "community": notification.community.name,
            "due": notification.due.isoformat(),
        }
    link = settings.SITE_URL.rstrip("/") + target
    send_mail(subject, f"{body}\n\n{link}", None, [email], fail_silently=True)
    notification.emailed = True
    notification.save(update_fields=["emailed"])


@service
def remind(today: date | None = None) -> int:
    """Write (and e-mail) the reminders due today; return how many new ones were written."""
    today = today or timezone.localdate()
    plans = [
        (
            "decision_due",
            {"soon": Kind.DECISION_SOON, "today": Kind.DECISION_TODAY},
            Task.objects.filter(outcome=Outcome.PENDING),
            "street_office",
        ),
        (
            "deadline",
            {"soon": Kind.DEADLINE_SOON, "today": Kind.DEADLINE_TODAY},
            Task.objects.exclude(
                status__in=[Status.DONE, Status.WITHDRAWN, Status.REFUSED]
            ).exclude(outcome__in=[Outcome.REFUSED, Outcome.PENDING]),
            "community",
        ),
    ]
    written = 0
    for field, kinds, queryset, by in plans:
        for when, condition in _due_between(field, today):
            tasks = list(queryset.filter(condition).select_related("community"))
            if not tasks:
                continue
            recipients = _recipients(tasks, by=by)
            for t in tasks:
                for user_id, email in recipients[t.pk]:
                    notification, created = Notification.objects.get_or_create(
                        user_id=user_id,
                        task=t,
                        kind=kinds[when],
                        due=getattr(t, field),
                        defaults={"community_id": t.community_id},
                    )
                    if created:
                        written += 1
                        _email(notification, email)
    return written + turned_red(today)


def turned_red(today: date) -> int:
    """Tell each district's officers which of its communities turned red this month.

    Red on some flag from the 1st of this month to today, red on none last month. Every
    flag of a district costs a fixed number of queries, whatever its size.
    """
    start = today.replace(day=1)
    last_start = (start - timedelta(days=1)).replace(day=1)
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, memberships__role=Role.DISTRICT_OFFICER)
        .values_list("pk", "memberships__district", "email")
    )
    written = 0
    for district_id in sorted({d for _pk, d, _email in officers}):
        communities = Community.objects.filter(street_office__district=district_id)
        now = flags_by_community(communities, start, today)
        before = flags_by_community(communities, last_start, start - timedelta(days=1))
        red = [
            pk
            for pk, found in now.items()
            if worst(found) == Severity.RED and worst(before.get(pk, [])) != Severity.RED
        ]
        for community_id in red:
            for user_id, user_district, email in officers:
                if user_district != district_id:
                    continue
                notification, created = Notification.objects.get_or_create(
                    user_id=user_id,
                    community_id=community_id,
                    task=None,
                    kind=Notification.Kind.TURNED_RED,
                    due=start,
                )
                if created:
                    written += 1
                    _email(notification, email)
    return written


@task(queue_name=DEFAULT)
def send_reminders(day: str | None = None) -> int:
    """The background job: today's reminders (``day`` as ISO date, for a catch-up run)."""
    return remind(date.fromisoformat(day) if day else None)


@service
def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's own notices done: these ids, or every reminder when none are given."""
    unread = Notification.objects.filter(user=user, read_at=None)
    if ids is None:
        unread = unread.exclude(kind=Notification.Kind.TURNED_RED)
    else:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
