"""The walk of every page in one language, for tests/e2e/test_every_page.py (Chinese) and
tests/e2e/test_every_page_in_english.py: two files, so xdist gives each language its own
worker (a file's tests stay on one worker), and each takes half the minutes of the walk.

Each language walks from the same start pages through the links it is shown, so each
reaches every route by itself and each checks that no route went unreached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.e2e.walk import PHONE, discover, open_page, unreached

# Each walks from its home page; a route one of them reached is not walked again.
USERS = ("aiguo_chair", "street", "district")


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("juwei-demo")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/login/" not in page.url, f"{username} could not log in"


def records_the_demo_lacks() -> list[str]:
    """What a clerk's day makes and the demo does not: an export job, an imported file,
    a deleted task (to restore), a draft survey (to add questions to); all 爱国社区's.
    Returns the pages no link leads to (an import's page is reached from its import)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.urls import reverse
    from django.utils import timezone, translation

    from committee import export_jobs
    from committee.models import AuditEntry, Community, ImportBatch
    from surveys.models import Question, Survey
    from tasks.models import Task
    from tasks.removal import delete_task
    from tests.surveys.factories import SurveyFactory, question

    chair = get_user_model().objects.get(username="aiguo_chair")
    aiguo = Community.objects.get(code="XX-01-01")
    with translation.override("zh-hans"):
        export_jobs.request_export(user=chair, path="/tasks/", query="", title="任务")
    batch = ImportBatch.objects.create(
        token="walk-of-every-page",
        kind="income",
        title="收入",
        list_url="/funds/income/",
        community=aiguo,
        uploaded_by=chair,
        filename="收入台账.xlsx",
        data=b"",
        imported_at=timezone.now(),
        imported_by=chair,
        row_count=12,
    )
    this_year = Task.objects.filter(community=aiguo, received_on__year=timezone.localdate().year)
    for task in this_year.order_by("-pk")[:20]:
        try:
            delete_task(task=task, by=chair)
            break
        except ValidationError:
            continue  # money or records point to it: the next one
    deleted = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).latest("pk")
    draft = SurveyFactory(community=aiguo, state=Survey.State.DRAFT, title="楼道环境（草稿）")
    asked = question(draft, Question.Kind.SINGLE, "满意", "不满意", text="楼道是否干净？")
    # The walk opens one page of each route, and the survey it opens may be the draft or
    # an open one: the pages only one of them links to (the draft's questions, an open
    # survey's paper entry) and the task's restore are started from directly.
    open_survey = Survey.objects.filter(community=aiguo, state=Survey.State.OPEN).first()
    return [
        batch.get_absolute_url(),
        reverse("surveys:paper_entry", args=[open_survey.pk]),
        reverse("committee:audit_restore", args=[deleted.pk]),
        reverse("surveys:question_add", args=[draft.pk]),
        reverse("surveys:question_edit", args=[draft.pk, asked.pk]),
    ]


def starts_of(username: str) -> list[str]:
    """The home page; and pages no link of the demo leads this user to."""
    from funds.models import FinancialYear

    if username == "aiguo_chair":
        notice = FinancialYear.objects.exclude(published_at=None).order_by("pk").first()
        notice_url = f"/funds/notice/{notice.community_id}/{notice.year}/"
        return ["/", "/password/done/", notice_url, *records_the_demo_lacks()]
    if username == "district":
        return ["/", "/communities/"]
    return ["/"]


def public_pages() -> list[str]:
    """What a resident opens without an account: the login page, a survey's form and
    its thank-you page, a certificate's check."""
    from certificates.models import CertificateRequest
    from surveys.models import Survey

    survey = Survey.objects.filter(state="open").order_by("pk").first()
    issued = CertificateRequest.objects.exclude(token=None).order_by("pk").first()
    return [
        "/login/",
        survey.get_public_url(),
        f"{survey.get_public_url()}thanks/",
        f"/certificates/verify/{issued.token}/",
    ]


@dataclass
class Pages:
    """What a walk in one language found: its problems, the routes no user reached, the
    language each user's last page was drawn in, and the stylesheets served."""

    problems: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    langs: set[str] = field(default_factory=set)
    stylesheets: list[str] = field(default_factory=list)


def walk_every_page(
    browser, browser_context_args, base: str, locale: str, *, words_only: bool = False
) -> Pages:
    """Every user's walk (then a visitor's) in the browser locale given."""
    taken: set[str] = set()
    pages = Pages()
    for username in (*USERS, None):
        context = browser.new_context(
            **{**browser_context_args, "locale": locale, "viewport": PHONE}
        )
        page = open_page(context)
        page.on("response", lambda r: pages.stylesheets.append(r.url) if r.ok else None)
        if username:
            login(page, base, username)
        starts = starts_of(username) if username else public_pages()
        pages.problems += discover(page, base, starts, taken, words_only=words_only).problems
        pages.langs.add(page.evaluate("document.documentElement.lang"))
        context.close()
    pages.unreached = unreached(taken)
    return pages


def assert_every_page_clean(
    browser, browser_context_args, base: str, locale: str, lang: str, *, words_only: bool = False
):
    """The walk in `locale`: no problem on any page, no route unreached, every page drawn
    in `lang`, and the charts' stylesheet served (charts carry no inline style)."""
    pages = walk_every_page(browser, browser_context_args, base, locale, words_only=words_only)
    assert not pages.problems, f"{len(pages.problems)} problems:\n" + "\n".join(pages.problems)
    assert not pages.unreached, f"no walk reached: {pages.unreached}"
    assert pages.langs == {lang}
    assert any(url.endswith("charts.css") for url in pages.stylesheets)
