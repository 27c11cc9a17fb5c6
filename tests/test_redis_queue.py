"""HELPDESK_QUEUE_URL=redis://… really runs jobs: huey's RedisHuey over the Redis on 127.0.0.1:6379."""

from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey

from helpdesk.config import load_settings
from helpdesk.tasks.queue import QueueRunner, create_huey


def test_a_job_runs_through_redis(tmp_path: Path) -> None:
    database = os.getpid() % 16  # parallel runs on this machine keep to their own Redis database
    settings = load_settings({"data_dir": str(tmp_path), "queue_url": f"redis://127.0.0.1:6379/{database}"},
                             environ={})
    huey = create_huey(settings)
    assert isinstance(huey, RedisHuey)
    huey.flush()

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    runner = QueueRunner(huey, workers=1)
    runner.start()
    try:
        result = add(2, 3)
        assert result.get(blocking=True, timeout=10) == 5
        assert runner.health() == {"state": "running", "pending": 0, "scheduled": 0}
    finally:
        runner.stop()
        huey.flush()
