"""Operations: liveness and readiness, the replica router, structured logs."""

import json
import logging
from types import SimpleNamespace

from django.utils import timezone

from committee.jobs import WorkerBeat
from committee.logs import JsonFormatter
from committee.routers import ReplicaRouter, replica_reads


def test_liveness_needs_no_login_and_no_database(client):
    response = client.get("/health/live/")  # no db fixture: a query would fail the test
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_wants_a_worker_seen_recently(client, db, settings):
    settings.JOBS_WORKER_SEEN_SECONDS = 120
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "not seen recently"}
    WorkerBeat.objects.create(
        worker_id="w", host="h", pid=1, queues="default,long", seen_at=timezone.now()
    )
    response = client.get("/health/ready/")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_readiness_fails_when_the_database_does_not_answer(client, db, monkeypatch):
    from committee import health

    monkeypatch.setattr(health, "database_answers", lambda: False)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_reads_go_to_the_replica_only_inside_replica_reads(monkeypatch):
    from committee import routers

    router = ReplicaRouter()
    monkeypatch.setattr(routers, "settings", SimpleNamespace(DATABASES={"default": {}}))
    with replica_reads():
        assert router.db_for_read(None) is None  # no replica configured: the primary
    monkeypatch.setattr(
        routers, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}})
    )
    assert router.db_for_read(None) is None
    with replica_reads():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) is None


def test_dashboard_pages_read_from_the_replica(rf, monkeypatch):
    from committee import routers

    monkeypatch.setattr(
        routers, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}})
    )
    router = ReplicaRouter()
    seen = []
    middleware = routers.ReplicaReadsMiddleware(
        lambda request: seen.append(router.db_for_read(None))
    )
    middleware(rf.get("/dashboards/districts/1/"))
    middleware(rf.get("/tasks/"))
    middleware(rf.post("/dashboards/reports/jobs/"))  # a write stays on the primary
    assert seen == ["replica", None, None]


def test_a_log_line_is_one_json_object():
    record = logging.makeLogRecord(
        {"name": "juwei.jobs", "levelname": "WARNING", "msg": "job %s 失败", "args": (7,)}
    )
    record.job = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "job 7 失败"
    assert line["level"] == "WARNING" and line["logger"] == "juwei.jobs" and line["job"] == 7
