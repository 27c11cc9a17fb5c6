"""HELPDESK_QUEUE_URL=postgresql://… really runs jobs: huey's SqlHuey over the real PostgreSQL, shared by
two consumers (two instances) that never run one job twice."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.contrib.sql_huey import SqlStorage

from helpdesk.config import load_settings
from helpdesk.tasks.queue import QueueRunner, create_huey
from tests.support.postgres import get_pg_server


@pytest.fixture
def queue_url() -> Iterator[str]:
    server = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available")
    name = f"hd_queue_{os.getpid()}"
    server.drop_database(name)
    yield server.create_database(name)
    server.drop_database(name)


def test_a_job_runs_through_postgresql(tmp_path: Path, queue_url: str) -> None:
    settings = load_settings({"data_dir": str(tmp_path), "queue_url": queue_url}, environ={})
    huey = create_huey(settings)
    assert isinstance(huey.storage, SqlStorage)

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    runner = QueueRunner(huey, workers=1)
    runner.start()
    try:
        assert add(2, 3).get(blocking=True, timeout=10) == 5
        assert runner.health() == {"state": "running", "pending": 0, "scheduled": 0}
    finally:
        runner.stop()
        huey.storage.database.close_all()


def test_two_instances_share_the_queue_and_run_each_job_once(tmp_path: Path, queue_url: str) -> None:
    settings = load_settings({"data_dir": str(tmp_path), "queue_url": queue_url}, environ={})
    ran: Counter[int] = Counter()
    by: dict[int, str] = {}
    lock = threading.Lock()
    hueys, runners = [], []
    for instance in ("a", "b"):
        huey = create_huey(settings)

        @huey.task(name="record")
        def record(n: int, instance: str = instance) -> int:
            time.sleep(0.05)  # long enough that one instance cannot take them all alone
            with lock:
                ran[n] += 1
                by[n] = instance
            return n  # a result to wait for (huey keeps no None)

        hueys.append((huey, record))
    enqueue = hueys[0][1]
    results = [enqueue(n) for n in range(40)]  # enqueued by one instance, taken by whichever is free
    for huey, _ in hueys:
        runners.append(QueueRunner(huey, workers=2))
    for runner in runners:
        runner.start()
    try:
        for result in results:
            result.get(blocking=True, timeout=20)
        assert sorted(ran) == list(range(40)) and set(ran.values()) == {1}
        assert set(by.values()) == {"a", "b"}, "both instances took jobs"
    finally:
        for runner in runners:
            runner.stop()
        for huey, _ in hueys:
            huey.storage.database.close_all()
