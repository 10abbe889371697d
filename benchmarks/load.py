"""`make load`: the app under load, as deployed: gunicorn (4 workers) on PostgreSQL.

Run through scripts/with-postgres.sh (a throwaway PostgreSQL unless DATABASE_URL is set).
Loopback only, bounded in time and count. Production settings: DEBUG off, collected and
compressed static files, sessions and the login lockout in the database.

1. Public survey: distinct respondents (each its own address, as a reverse proxy reports
   it in X-Forwarded-For, and its own cookies; an asyncio client, a new connection a
   request) open the form and submit it. Prints the rate, accepted (redirected to the
   thanks page) against saved (rows in the database): none may be lost.
2. Staff: 50 concurrent signed-in users on a mix of list and dashboard pages at district
   scale (generate_scale), as street and district officials, each reading a page for
   LOAD_THINK_SECONDS (default 5, ±50 %) before the next, the first page within one
   reading time; p50/p95/max.
3. Two app servers on different ports sharing the database: a session signed in on one
   is signed in on the other, and the login lockout counts failures made on both.

Each phase also prints the CPU the app servers, PostgreSQL and this client spent per
submission or page (read from /proc), and what a quiet machine would hold from it: on a
busy shared machine the rates say little, the CPU per request still does.

    make load                       # LOAD_SCALE=100 communities, LOAD_SECONDS=30 a phase
    LOAD_PHASES=survey make load    # the survey alone (no generated communities)
"""

from __future__ import annotations

import asyncio
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

from load_windows import Windows

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCALE = int(os.environ.get("LOAD_SCALE", "100"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
MAX_SUBMISSIONS = int(os.environ.get("LOAD_MAX_SUBMISSIONS", "20000"))
RESPONDENTS_AT_ONCE = int(os.environ.get("LOAD_RESPONDENTS", "32"))
STAFF_USERS = 50
# LOAD_PHASES=survey runs the survey alone (quicker when tuning it).
PHASES = set(os.environ.get("LOAD_PHASES", "survey,staff,servers").split(","))
# A person reads a page before opening the next; 0 sends them back to back.
THINK_SECONDS = float(os.environ.get("LOAD_THINK_SECONDS", "5"))
# LOAD_STAFF_TOGETHER=1: all fifty open their first page at the same instant (as before).
TOGETHER = os.environ.get("LOAD_STAFF_TOGETHER", "") not in ("", "0")
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
        "PERSONAL_DATA_KEYS": os.environ.get("PERSONAL_DATA_KEYS") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1/32",  # the load client stands in for the reverse proxy
        "JOBS_WORKER_SEEN_SECONDS": "0",
        "GUNICORN_ACCESS_LOG": "",  # off: the reverse proxy logs each request
        "CONN_MAX_AGE": "60",
    }


def manage(env, *args) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env) -> None:
    if os.environ.get("LOAD_PREPARED"):  # a second run on the same database
        return
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    if "staff" in PHASES:
        manage(env, "generate_scale", "--communities", str(SCALE))
    if not static_collected():
        manage(env, "collectstatic", "--noinput", "-v0")
    # Fresh statistics, as a database in use has them: autovacuum analyses a table only
    # after 50 changed rows and a tenth of its size, so the street offices just
    # generated had none, and PostgreSQL sorted all 617,924 hour entries of the district
    # for the hours list's first page (400 ms) instead of walking its date index (40 ms).
    # (The app's role may not analyse the shared catalogues: no warning for each.)
    quiet = ["-q", "-c", "SET client_min_messages = error", "-c", "ANALYZE"]
    subprocess.run([PY, "manage.py", "dbshell", "--", *quiet], cwd=ROOT, env=env, check=True)
    what = f"{SCALE} generated communities" if "staff" in PHASES else "the demo"
    print(f"prepared {what} in {time.monotonic() - started:.0f} s", flush=True)


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
    try:
        while time.monotonic() < deadline:
            try:
                if Browser(port).get("/health/live/")[0] == 200:
                    return server, port
            except OSError:
                time.sleep(0.5)
    except BaseException:
        stop(server)  # never leave a server behind
        raise
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
    from surveys.models import Survey

    survey = (
        Survey.objects.filter(state=Survey.State.OPEN, access=Survey.Access.ANONYMOUS)
        .order_by("pk")
        .first()
    )
    if survey is None:
        raise SystemExit("the demo has no open survey for anyone with the link")
    return survey, answers_for(survey)


def answers_for(survey) -> dict[str, object]:
    """A complete set of answers to the survey, as its form posts them."""
    from surveys.models import Question

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
    return answers


# -- CPU accounting: what each side spent, read from /proc (Linux) --------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rpartition(")")[2].split()


def tree_cpu(root: int | None) -> float:
    """CPU seconds of a process, its finished children and its live children (gunicorn's
    master and workers, PostgreSQL's postmaster and backends)."""
    if root is None:
        return 0.0
    try:
        own = _stat(root)
    except OSError:
        return 0.0
    total = sum(int(v) for v in own[11:15])  # utime stime cutime cstime
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(int(entry.name))
        except OSError:
            continue
        if int(fields[1]) == root:  # ppid
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def postmaster_pid() -> int | None:
    """The local PostgreSQL server's main process (the parent of our backend), if on this host."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        return int(_stat(backend)[1])
    except (OSError, IndexError, ValueError):
        return None


class CpuMeter:
    """CPU seconds spent by the app servers, the database and this load client over a phase."""

    def __init__(self, server: subprocess.Popen, database: int | None):
        self.pids = {"app": server.pid, "database": database}
        self.start = self.read()

    def read(self) -> dict[str, float]:
        return {name: tree_cpu(pid) for name, pid in self.pids.items()} | {
            "client": time.process_time()
        }

    def per(self, count: int) -> dict[str, float]:
        """Milliseconds of CPU per unit of work, by side."""
        end = self.read()
        return {k: (end[k] - self.start[k]) * 1000 / max(count, 1) for k in end}


def describe_cpu(cost: dict[str, float], what: str) -> str:
    cores = os.cpu_count() or 1
    server = cost["app"] + cost["database"]
    return (
        f"CPU per {what}: app {cost['app']:.1f} ms, database {cost['database']:.1f} ms,"
        f" load client {cost['client']:.1f} ms; a quiet {cores}-core machine holds"
        f" {cores * 1000 / server:.0f}/s with the client elsewhere,"
        f" {cores * 1000 / (server + cost['client']):.0f}/s with it on the same cores"
    )


# -- Public survey: an asyncio client, one connection per request, as phones come ----------


async def http_request(port: int, method: str, path: str, headers: dict, body: bytes = b""):
    """One request on its own connection: (status, cookies set, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    try:
        data = await reader.read()
    finally:
        writer.close()
    head, _, content = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    cookies = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return status, cookies, content


async def respond(port: int, path: str, n: int, answers: dict) -> int | None:
    """A new phone (no cookies) at its own address opens the form and sends it."""
    # Each its own address, as the reverse proxy reports it.
    headers = {
        "Accept-Language": "zh-hans",
        "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    }
    status, cookies, page = await http_request(port, "GET", path, headers)
    token = CSRF_FIELD.search(page.decode("utf-8", "replace"))
    if status != 200 or token is None:
        return status
    body = urlencode({**answers, "csrfmiddlewaretoken": token.group(1)}, doseq=True).encode()
    headers |= {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, _cookies, _page = await http_request(port, "POST", path, headers, body)
    return status


def survey_phase(port: int, meter_for) -> dict:
    from surveys.models import Response

    survey, answers = survey_answers()
    path = survey.get_public_url()
    saved_before = Response.objects.filter(survey=survey).count()
    counts = {"accepted": 0, "refused": 0, "errors": 0}
    numbers = iter(range(MAX_SUBMISSIONS))

    async def respondent_loop(deadline: float):
        while time.monotonic() < deadline:
            n = next(numbers, None)
            if n is None:
                return
            try:
                status = await respond(port, path, n, answers)
            except (OSError, ValueError, IndexError):
                status = None
            if status == 302:
                counts["accepted"] += 1
            elif status is None:
                counts["errors"] += 1
            else:
                counts["refused"] += 1

    async def all_respondents():
        deadline = time.monotonic() + SECONDS
        await asyncio.gather(*(respondent_loop(deadline) for _ in range(RESPONDENTS_AT_ONCE)))

    meter = meter_for()
    windows = Windows(meter_for(), lambda: sum(counts.values()), meter.pids["app"])
    windows.start()
    started = time.monotonic()
    asyncio.run(all_respondents())
    elapsed = time.monotonic() - started
    windows.stop()
    cost = meter.per(counts["accepted"] + counts["refused"])
    saved = Response.objects.filter(survey=survey).count() - saved_before
    rate = counts["accepted"] / elapsed
    lost = counts["accepted"] - saved
    print(
        f"survey: {counts['accepted']} accepted, {saved} saved, {lost} lost,"
        f" {counts['refused']} refused, {counts['errors']} connection errors"
        f" in {elapsed:.1f} s = {rate:.1f} submissions/s"
        f" ({RESPONDENTS_AT_ONCE} respondents at a time); load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(describe_cpu(cost, "submission (form + answers)"), flush=True)
    return counts | {"saved": saved, "rate": rate, "lost": lost, "cpu": cost}


def sign_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    status = browser.post_form("/login/", {"username": username, "password": "juwei-demo"})
    if status != 302:
        raise SystemExit(f"{username} could not sign in ({status})")
    return browser


def staff_phase(port: int, meter_for) -> dict:
    users = ["scale_district", "scale_street", "district", "street"]
    browsers = [sign_in(port, users[i % len(users)]) for i in range(STAFF_USERS)]
    times: list[float] = []
    by_page: dict[str, list[float]] = {}
    failures = []
    lock = threading.Lock()
    samples: list[tuple[float, float, str, int]] = []
    phase_started = time.monotonic()
    deadline = phase_started + SECONDS

    def user_loop(index: int, browser: Browser):
        step = index
        # Fifty people at work open their pages at their own moments: each user's first page
        # comes within one reading time, not all fifty at the same instant (that queued 50
        # pages on 4 workers at once: every request slower than 4 s came from it).
        if not TOGETHER:
            time.sleep(THINK_SECONDS * random.random())  # noqa: S311 -- not secret
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
                samples.append((took, started - phase_started, page, index))
                by_page.setdefault(page, []).append(took)
                if status != 200:
                    failures.append((page, status))
            time.sleep(THINK_SECONDS * (0.5 + random.random()))  # noqa: S311 -- not secret

    meter = meter_for()
    with ThreadPoolExecutor(STAFF_USERS) as pool:
        for index, browser in enumerate(browsers):
            pool.submit(user_loop, index, browser)
    cost = meter.per(len(times))
    for browser in browsers:
        browser.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1] if times else float("nan")
    print(
        f"staff: {len(times)} pages by {STAFF_USERS} signed-in users in {SECONDS:.0f} s"
        f" (each reading a page {THINK_SECONDS:.0f} s on average),"
        f" p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s,"
        f" {len(failures)} not 200 {sorted(set(failures))[:5]}; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(describe_cpu(cost, "staff page"), flush=True)
    slowest = sorted(by_page.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print(
        "slowest pages (median): "
        + ", ".join(f"{page} {statistics.median(t):.2f} s" for page, t in slowest),
        flush=True,
    )
    print(
        "slowest requests (s, at s into the phase, page, user): "
        + ", ".join(
            f"{t:.2f} @{at:.0f} {page} u{user}" for t, at, page, user in sorted(samples)[-12:]
        ),
        flush=True,
    )
    return {"pages": len(times), "p95": p95, "failures": len(failures), "cpu": cost}


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
    try:
        server_b, port_b = start_server(env, workers=1)
    except BaseException:
        stop(server_a)
        raise
    database = postmaster_pid()

    def meter_for():
        return CpuMeter(server_a, database)

    try:
        print(
            f"gunicorn: 4 workers on :{port_a}, 1 on :{port_b}"
            f" ({os.environ.get('GUNICORN_WORKER_CLASS', 'sync')} workers);"
            f" load {os.getloadavg()}",
            flush=True,
        )
        survey = survey_phase(port_a, meter_for) if "survey" in PHASES else None
        staff = staff_phase(port_a, meter_for) if "staff" in PHASES else None
        both = two_servers(port_a, port_b) if "servers" in PHASES else True
    finally:
        stop(server_a)
        stop(server_b)
    ok = (
        (survey is None or survey["lost"] == 0)
        and both
        and (staff is None or staff["failures"] == 0)
    )
    print("targets: ≥ 200 submissions/s, 0 lost; staff p95 < 1 s; two servers agree")
    p95 = f"{staff['p95']:.3f} s" if staff else "not run"
    print(
        f"measured: {survey['rate']:.1f}/s, {survey['lost']} lost;" if survey else "measured:",
        f"p95 {p95}; two servers {'agree' if both else 'DISAGREE'}",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
