"""PostgreSQL connections go back to the pool after every unit of work, also when threads come and go.

The probe's failure: anyio retires idle worker threads, each took a pooled connection to its grave,
and after a few minutes of load every request waited 10 s and failed. Here anyio retires its
threads at once (idle time 0), 32 clients create and list through the real app, and the database
never sees more connections than the pool's size.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import anyio._backends._asyncio as anyio_asyncio
import psycopg
import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import people, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import db
from helpdesk.db.pool import POOL_SIZE, pool_stats
from helpdesk.db.scope import ANYIO_THREADS, connection_scope
from tests.conftest import make_org
from tests.support.postgres import get_pg_server

CLIENTS = 32


def _connections(url: str) -> int:
    server = get_pg_server()
    assert server is not None
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]


class Watcher(threading.Thread):
    """Samples pg_stat_activity while the load runs."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.peak, self.running = url, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _connections(self.url))
            time.sleep(0.05)

    def stop(self) -> int:
        self.running = False
        self.join()
        return max(self.peak, _connections(self.url))


def test_web_load_with_recycled_threads_stays_within_the_pool(pg_db: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anyio_asyncio.WorkerThread, "MAX_IDLE_TIME", 0)  # every idle thread is retired
    org = make_org()
    headers = {"Authorization": f"Bearer {people.issue_token(Actor.system('cli'), org.bob, 'load').secret}"}
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": pg_db}, environ={})
    services = runtime.build_services(settings, with_queue=False)
    db.close()  # the test thread's own connection is not part of the load
    errors: list[str] = []
    watcher = Watcher(pg_db)
    with TestClient(app=runtime.build_app(services), timeout=30) as client:
        watcher.start()

        def work(index: int) -> None:
            for step in range(2):
                created = client.post("/api/v1/requests", headers=headers,
                                      json={"type": "it_help", "description": f"client {index} step {step}"})
                listed = client.get("/api/v1/requests", headers=headers)
                if created.status_code != 201 or listed.status_code != 200:
                    errors.append(f"{created.status_code} {listed.status_code} {listed.text[:200]}")

        # Two waves of short-lived client threads: the second finds the first one's server threads gone.
        for _ in range(2):
            threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        health = client.get("/healthz").json()
        peak = watcher.stop()
    assert errors == []
    assert peak <= POOL_SIZE, f"{peak} connections for a pool of {POOL_SIZE}"
    assert health["status"] == "ok" and health["database"]["pool"]["max"] == POOL_SIZE
    # Whatever is still out belongs to anyio's live threads (at most its limit) and the healthz call.
    assert health["database"]["pool"]["in_use"] <= ANYIO_THREADS + 1
    assert tickets.Ticket.select().count() == 2 * 2 * CLIENTS


def test_short_lived_threads_return_their_connections(pg_db: str) -> None:
    org = make_org()
    actor = Actor(org.bob, "api")
    db.close()
    errors: list[BaseException] = []

    def scoped_work() -> None:
        try:
            with connection_scope():
                tickets.Ticket.select().count()
                with connection_scope():  # nested: the outer scope gives it back, not this one
                    people.by_telegram_id(org.bob.telegram_id)
                assert not db.is_closed()
        except BaseException as exc:
            errors.append(exc)

    def unscoped_work() -> None:  # a thread that dies holding its connection
        try:
            tickets.counts_by_status(actor)
        except BaseException as exc:
            errors.append(exc)

    for _ in range(3):  # three times the pool's size of threads, each gone when done
        batch = [threading.Thread(target=scoped_work if i % 2 else unscoped_work) for i in range(POOL_SIZE)]
        for thread in batch:
            thread.start()
        for thread in batch:
            thread.join()
    assert errors == []
    assert pool_stats(db.obj)["in_use"] == 0  # the dead threads' connections were taken back
    assert _connections(pg_db) <= POOL_SIZE


def test_healthz_says_degraded_when_the_pool_gives_no_connection(pg_db: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("helpdesk.web.health.PROBE_TIMEOUT", 0.3)
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": pg_db}, environ={})
    services = runtime.build_services(settings, with_queue=False)
    db.close()
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        db.connect()
        held.set()
        release.wait(30)
        db.close()

    holders = [threading.Thread(target=hold) for _ in range(POOL_SIZE)]
    with TestClient(app=runtime.build_app(services)) as client:
        for thread in holders:
            held.clear()
            thread.start()
            assert held.wait(10)
        response = client.get("/healthz")
        release.set()
        for thread in holders:
            thread.join()
        recovered = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["database"]["state"] == "error"
    assert body["database"]["pool"] == {"in_use": POOL_SIZE, "idle": 0, "max": POOL_SIZE}
    assert "error" not in body["database"] and "version" not in body, "details are not public"
    assert recovered.status_code == 200 and recovered.json()["database"]["pool"]["in_use"] <= 1


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_sqlite_threads_that_come_and_go_leave_no_descriptors(sqlite_org: object) -> None:
    def descriptors() -> int:
        gc.collect()  # a finished thread's connection is freed with its thread-local state
        return len(os.listdir("/proc/self/fd"))

    before = descriptors()
    for _ in range(10):
        batch = [threading.Thread(target=lambda: tickets.Ticket.select().count()) for _ in range(50)]
        for thread in batch:
            thread.start()
        for thread in batch:
            thread.join()
    # 500 threads each opened the database; SQLite may keep a few closed descriptors for reuse.
    assert descriptors() - before < 100
