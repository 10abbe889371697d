"""`make load`'s survey phase window by window: what changes as a run goes on.

Every ``LOAD_WINDOW_SECONDS`` (default 5) a thread notes the submissions made, the CPU the
app servers, PostgreSQL and the load client spent in the window (per submission), how
busy the machine's CPUs were (and what the hypervisor took: steal), the gunicorn
workers (how many were replaced, their memory) and the tables the form writes (size,
dead rows, autovacuum runs). A second thread samples ``pg_stat_activity`` a few times a
second on its own connection: what the app's connections were doing or waiting for
(lock waits on the survey row or the tally rows show as ``Lock/transactionid``/``tuple``).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

WINDOW_SECONDS = float(os.environ.get("LOAD_WINDOW_SECONDS", "5"))
SAMPLE_SECONDS = 0.25
TABLES = ("surveys_tally", "surveys_response", "surveys_answer", "surveys_submissionattempt")


def machine_cpu() -> tuple[float, float, float]:
    """Seconds of (busy, idle, steal) over every CPU since boot."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    ticks = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq
    return busy / ticks, (idle + iowait) / ticks, steal / ticks


def workers(master: int) -> dict[int, int]:
    """The gunicorn workers of ``master``: {pid: resident kB}."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if int(status.get("PPid", "0")) == master:
            found[int(entry.name)] = int(status.get("VmRSS", "0 kB").split()[0])
    return found


def table_state(cursor) -> dict[str, tuple]:
    cursor.execute(
        "SELECT relname, pg_total_relation_size(relid), n_live_tup, n_dead_tup,"
        " autovacuum_count + autoanalyze_count, n_tup_hot_upd, n_tup_upd"
        " FROM pg_stat_user_tables WHERE relname = ANY(%s)",
        [list(TABLES)],
    )
    return {row[0]: row[1:] for row in cursor.fetchall()}


class Windows:
    """Start with ``start()``; ``stop()`` prints the table."""

    def __init__(self, meter, submissions, master: int):
        self.meter = meter
        self.submissions = submissions  # a callable: requests answered so far
        self.master = master
        self.rows: list[dict] = []
        self.waits: Counter = Counter()
        self.samples = 0
        self.done = threading.Event()
        self.threads = [
            threading.Thread(target=self._windows, daemon=True),
            threading.Thread(target=self._activity, daemon=True),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _note(self) -> dict:
        from django.db import connection

        with connection.cursor() as cursor:
            tables = table_state(cursor)
        return {
            "t": time.monotonic(),
            "n": self.submissions(),
            "cpu": self.meter.read(),
            "machine": machine_cpu(),
            "workers": workers(self.master),
            "tables": tables,
            "load": os.getloadavg()[0],
        }

    def _windows(self) -> None:
        from django.db import connection

        last = self._note()
        seen = set(last["workers"])
        while not self.done.wait(WINDOW_SECONDS):
            now = self._note()
            with self._lock:
                waits, samples = self.waits, self.samples
                self.waits, self.samples = Counter(), 0
            replaced = len(set(now["workers"]) - seen)
            seen |= set(now["workers"])
            self.rows.append(self._row(last, now, replaced, waits, samples))
            last = now
        connection.close()

    _lock = threading.Lock()

    def _activity(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            while not self.done.wait(SAMPLE_SECONDS):
                cursor.execute(
                    "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, state)"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    " AND state = 'active'"
                )
                found = Counter(f"{a}/{b}" for a, b in cursor.fetchall())
                with self._lock:
                    self.waits.update(found)
                    self.samples += 1
        connection.close()

    @staticmethod
    def _row(last: dict, now: dict, replaced: int, waits: Counter, samples: int) -> dict:
        n = max(now["n"] - last["n"], 1)
        seconds = now["t"] - last["t"]
        cpu = {k: (now["cpu"][k] - last["cpu"][k]) * 1000 / n for k in now["cpu"]}
        busy, idle, steal = (b - a for a, b in zip(last["machine"], now["machine"], strict=True))
        tally = now["tables"].get("surveys_tally", (0,) * 6)
        return {
            "rate": (now["n"] - last["n"]) / seconds,
            "cpu": cpu,
            "machine_busy": busy / max(busy + idle + steal, 1e-9),
            "steal": steal / max(busy + idle + steal, 1e-9),
            "replaced": replaced,
            "rss_mb": sum(now["workers"].values()) / 1024,
            "sizes_mb": {name: state[0] / 2**20 for name, state in now["tables"].items() if state},
            "tally": tally,
            "load": now["load"],
            "waits": {k: v / max(samples, 1) for k, v in waits.most_common(4)},
        }

    def stop(self) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(10)
        print(
            "window: requests/s | CPU per request ms app+db+client | machine busy, steal |"
            " workers replaced, RSS | tally size, live, dead, hot/upd, vacuums"
            " | waits (avg active)",
            flush=True,
        )
        for i, row in enumerate(self.rows):
            size, live, dead, vacuums, hot, upd = row["tally"]
            cpu = row["cpu"]
            waits = ", ".join(f"{k} {v:.1f}" for k, v in row["waits"].items())
            print(
                f"  {i * WINDOW_SECONDS:4.0f}s {row['rate']:6.1f}/s |"
                f" {cpu['app']:4.1f}+{cpu['database']:4.1f}+{cpu['client']:4.1f} |"
                f" {row['machine_busy']:4.0%} {row['steal']:3.0%} |"
                f" {row['replaced']} {row['rss_mb']:4.0f} MB |"
                f" {size / 1024:5.0f} kB {live} {dead} {hot}/{upd} {vacuums} |"
                f" load {row['load']:.1f} | {waits}",
                flush=True,
            )
