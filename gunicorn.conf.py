"""gunicorn settings for Juwei's app servers: `gunicorn committee.wsgi` reads this file.

Every value can be changed from the environment. Long work never runs in a request (it is
a background job, committee/jobs.py), so requests are short and the timeout stays short.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core plus one: requests mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# sync: one request at a time per worker process. On the public survey form (`make load`,
# benchmarks/RESULTS.md) a request is CPU in Python, which threads of one process cannot share:
# gthread with 4 threads took as many submissions a second within the noise and cost more CPU
# each (20.3 ms against 18.0–18.3 ms). GUNICORN_WORKER_CLASS=gthread with GUNICORN_THREADS
# suits pages that mostly wait on the database.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a leak never grows for ever.
# Not sooner: a new worker opens a new database connection (a new PostgreSQL backend, its
# caches cold) and fills its own caches again; at 2,000 the public survey's load
# (`make load`, 550 requests/s) replaced each of four workers every 15 s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Behind the reverse proxy: trust its X-Forwarded-* headers (HTTPS=true sets the Django side).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# GUNICORN_ACCESS_LOG="" turns it off (the reverse proxy logs each request too).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = (
    '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(b)s", '
    '"ms": %(M)s, "agent": "%(a)s"}'
)
# Load the app before forking: workers share its memory and a bad setting stops start-up.
preload_app = True


def when_ready(server):
    """In the master, after the app is loaded and before the first worker is forked: do
    what each worker would otherwise do on its first requests (committee/warm.py)."""
    import gc

    from committee.warm import warm

    server.log.info("warmed up: %d templates compiled ahead", warm())
    # Every object made so far lives as long as the process: the workers' garbage
    # collector need never scan them, nor touch (and so copy) the pages they share.
    gc.freeze()
