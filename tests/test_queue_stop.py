"""Stopping the queue waits for the job that runs (the move's pause relies on it) and names one that outlives
the wait: copying the database while a job still writes would leave its writes behind."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from helpdesk.config import load_settings
from helpdesk.tasks.queue import QueueRunner, create_huey


def _runner(tmp_path: Path) -> tuple[QueueRunner, object, threading.Event, threading.Event]:
    huey = create_huey(load_settings({"data_dir": str(tmp_path)}, environ={}))
    began, release = threading.Event(), threading.Event()

    @huey.task()
    def long_backup() -> None:
        began.set()
        release.wait(30)

    runner = QueueRunner(huey, workers=1)
    runner.start()
    return runner, long_backup, began, release


def test_stop_waits_for_the_running_job(tmp_path: Path) -> None:
    runner, job, began, release = _runner(tmp_path)
    job()
    assert began.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    assert runner.stop(wait=20) == []
    assert time.monotonic() - started >= 0.9  # it waited for the job, which then ended
    assert runner.running == {}


def test_a_job_that_outlives_the_wait_is_named(tmp_path: Path) -> None:
    runner, job, began, release = _runner(tmp_path)
    job()
    assert began.wait(10)
    try:
        assert runner.stop(wait=0.5) == ["long_backup"]
    finally:
        release.set()
