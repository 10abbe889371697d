"""`make load`: the app under load, as deployed: gunicorn (4 workers) on PostgreSQL.

Run through scripts/with-postgres.sh (a throwaway PostgreSQL unless DATABASE_URL is set).
Loopback only, bounded in time and count. Production settings: DEBUG off, collected and
compressed static files, sessions and the login lockout in the database.

1. Public survey: distinct respondents (each its own address, as a reverse proxy reports
   it in X-Forwarded-For, and its own cookies) open the form and submit it. Prints the
   rate, accepted (redirected to the thanks page) against saved (rows in the database):
   none may be lost.
2. Staff: 50 concurrent signed-in users on a mix of list and dashboard pages at district
   scale (generate_scale), as street and district officials, each reading a page for
   LOAD_THINK_SECONDS (default 5, ±50 %) before the next; p50/p95/max.
3. Two app servers on different ports sharing the database: a session signed in on one
   is signed in on the other, and the login lockout counts failures made on both.

    make load                       # LOAD_SCALE=100 communities, LOAD_SECONDS=30 a phase
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCALE = int(os.environ.get("LOAD_SCALE", "100"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
MAX_SUBMISSIONS = int(os.environ.get("LOAD_MAX_SUBMISSIONS", "20000"))
RESPONDENTS_AT_ONCE = int(os.environ.get("LOAD_RESPONDENTS", "32"))
STAFF_USERS = 50
# A person reads a page before opening the next; 0 sends them back to back.
THINK_SECONDS = float(os.environ.get("LOAD_THINK_SECONDS", "5"))
# Pages every street and district official may open (the approval queue is the street
# office's alone; /dashboards/ redirects to one of these).
STAFF_PAGES = [
    "/tasks/",
    "/tasks/hours/",
    "/tasks/departments/",
    "/staff/",
    "/staff/pay/",
    "/staff/pay/communities/",
    "/funds/income/",
    "/funds/expenses/",
    "/surveys/",
    "/dashboards/tasks/",
    "/dashboards/hours/",
]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment() -> dict[str, str]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("make load runs on PostgreSQL: through scripts/with-postgres.sh")
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1/32",  # the load client stands in for the reverse proxy
        "JOBS_WORKER_SEEN_SECONDS": "0",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "CONN_MAX_AGE": "60",
    }


def manage(env, *args) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env) -> None:
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "generate_scale", "--communities", str(SCALE))
    if not static_collected():
        manage(env, "collectstatic", "--noinput", "-v0")
    print(f"prepared {SCALE} communities in {time.monotonic() - started:.0f} s", flush=True)


def static_collected() -> bool:
    """Whether staticfiles/ has the manifest of every file now in static/ (collectstatic
    compresses them all: minutes on a busy machine)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    return all(f.stat().st_mtime < collected for f in (ROOT / "static").rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "committee.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if Browser(port).get("/health/live/")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit(f"gunicorn did not start on port {port}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


class Browser:
    """One person's cookies and address, on a keep-alive connection to one server."""

    def __init__(self, port: int, address: str = ""):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, data, headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict) -> int:
        status, page = self.get(path)
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            return status
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token.group(1)})[0]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def setup_django(env) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def survey_answers():
    """An open survey anyone may answer, and a complete set of answers to it."""
    from surveys.models import Question, Survey

    survey = (
        Survey.objects.filter(state=Survey.State.OPEN, access=Survey.Access.ANONYMOUS)
        .order_by("pk")
        .first()
    )
    if survey is None:
        raise SystemExit("the demo has no open survey for anyone with the link")
    answers: dict[str, object] = {}
    for question in survey.questions.prefetch_related("choices"):
        choices = [str(c.pk) for c in question.choices.all()]
        name = f"q{question.pk}"
        if question.kind == Question.Kind.SINGLE and choices:
            answers[name] = choices[0]
        elif question.kind == Question.Kind.MULTIPLE and choices:
            answers[name] = choices[:1]
        elif question.kind == Question.Kind.RATING:
            answers[name] = "4"
        elif question.kind == Question.Kind.NUMBER:
            answers[name] = "3"
        else:
            answers[name] = "楼道灯修好了"
    return survey, answers


def survey_phase(port: int) -> dict:
    from surveys.models import Response

    survey, answers = survey_answers()
    path = survey.get_public_url()
    saved_before = Response.objects.filter(survey=survey).count()
    counts = {"accepted": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()
    numbers = iter(range(MAX_SUBMISSIONS))
    deadline = time.monotonic() + SECONDS

    def respondent_loop():
        while time.monotonic() < deadline:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            # Each respondent: a new phone (no cookies) at its own address.
            browser = Browser(port, f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
            try:
                status = browser.post_form(path, answers)
            except OSError:
                status = None
            finally:
                browser.close()
            with lock:
                if status == 302:
                    counts["accepted"] += 1
                elif status is None:
                    counts["errors"] += 1
                else:
                    counts["refused"] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(RESPONDENTS_AT_ONCE) as pool:
        for _ in range(RESPONDENTS_AT_ONCE):
            pool.submit(respondent_loop)
    elapsed = time.monotonic() - started
    saved = Response.objects.filter(survey=survey).count() - saved_before
    rate = counts["accepted"] / elapsed
    lost = counts["accepted"] - saved
    print(
        f"survey: {counts['accepted']} accepted, {saved} saved, {lost} lost,"
        f" {counts['refused']} refused, {counts['errors']} connection errors"
        f" in {elapsed:.1f} s = {rate:.1f} submissions/s"
        f" ({RESPONDENTS_AT_ONCE} respondents at a time)",
        flush=True,
    )
    return counts | {"saved": saved, "rate": rate, "lost": lost}


def sign_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    status = browser.post_form("/login/", {"username": username, "password": "juwei-demo"})
    if status != 302:
        raise SystemExit(f"{username} could not sign in ({status})")
    return browser


def staff_phase(port: int) -> dict:
    users = ["scale_district", "scale_street", "district", "street"]
    browsers = [sign_in(port, users[i % len(users)]) for i in range(STAFF_USERS)]
    times: list[float] = []
    failures = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def user_loop(index: int, browser: Browser):
        step = index
        while time.monotonic() < deadline:
            page = STAFF_PAGES[step % len(STAFF_PAGES)]
            step += 1
            started = time.monotonic()
            try:
                status, _text = browser.get(page)
            except OSError as exc:
                status = repr(exc)
            took = time.monotonic() - started
            with lock:
                times.append(took)
                if status != 200:
                    failures.append((page, status))
            time.sleep(THINK_SECONDS * (0.5 + random.random()))  # noqa: S311 -- not secret

    with ThreadPoolExecutor(STAFF_USERS) as pool:
        for index, browser in enumerate(browsers):
            pool.submit(user_loop, index, browser)
    for browser in browsers:
        browser.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1] if times else float("nan")
    print(
        f"staff: {len(times)} pages by {STAFF_USERS} signed-in users in {SECONDS:.0f} s"
        f" (each reading a page {THINK_SECONDS:.0f} s on average),"
        f" p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s,"
        f" {len(failures)} not 200 {sorted(set(failures))[:5]}",
        flush=True,
    )
    return {"pages": len(times), "p95": p95, "failures": len(failures)}


def two_servers(port_a: int, port_b: int) -> bool:
    """A session and the login lockout hold across two app servers on one database."""
    from django.conf import settings

    browser = sign_in(port_a, "aiguo")
    browser.port = port_b  # the same cookies, the other server
    browser.close()
    browser.conn = None
    status, _page = browser.get("/tasks/")
    session_holds = status == 200
    limit = settings.AXES_FAILURE_LIMIT
    statuses = []
    for attempt in range(limit + 1):
        port = (port_a, port_b)[attempt % 2]
        wrong = Browser(port).post_form("/login/", {"username": "heping", "password": "wrong"})
        statuses.append(wrong)
    right = Browser(port_b).post_form("/login/", {"username": "heping", "password": "juwei-demo"})
    locked = right != 302
    print(
        f"two servers (:{port_a}, :{port_b}): session signed in on one is signed in on the"
        f" other: {session_holds}; {limit} wrong passwords alternating between them"
        f" {statuses}, then the right one: {right} (locked out: {locked})",
        flush=True,
    )
    return session_holds and locked


def main() -> int:
    env = environment()
    prepare(env)
    setup_django(env)
    server_a, port_a = start_server(env, workers=4)
    server_b, port_b = start_server(env, workers=1)
    try:
        print(f"gunicorn: 4 workers on :{port_a}, 1 on :{port_b}; load {os.getloadavg()}")
        survey = survey_phase(port_a)
        staff = staff_phase(port_a)
        both = two_servers(port_a, port_b)
    finally:
        stop(server_a)
        stop(server_b)
    ok = survey["lost"] == 0 and both and staff["failures"] == 0
    print("targets: ≥ 200 submissions/s, 0 lost; staff p95 < 1 s; two servers agree")
    print(
        f"measured: {survey['rate']:.1f}/s, {survey['lost']} lost; p95 {staff['p95']:.3f} s;"
        f" two servers {'agree' if both else 'DISAGREE'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
