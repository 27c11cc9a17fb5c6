"""The huey queue, embedded: its consumer runs as threads inside the one process.

huey's consumer normally owns the process's signals; here the web server owns them, so the
consumer's signal setup is switched off and the app's lifespan starts and stops it.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from helpdesk.config import Settings
from helpdesk.db.database import open_database
from helpdesk.db.scope import also_release, release_connection

log = logging.getLogger(__name__)


class EmbeddedConsumer(Consumer):
    def _set_signal_handlers(self) -> None:  # the host process handles signals
        pass


def create_huey(settings: Settings, immediate: bool = False) -> Huey:
    url = settings.queue_url
    huey: Huey
    if url.startswith(("redis://", "rediss://")):
        huey = RedisHuey("helpdesk", url=url, immediate=immediate)
    elif url.startswith(("postgresql://", "postgres://")):
        huey = _postgres_huey(url, immediate)
    else:
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else str(settings.queue_path)
        huey = SqliteHuey("helpdesk", filename=path, immediate=immediate, timeout=10)
    huey.post_execute()(_give_connection_back)
    return huey


def prepare_queue(settings: Settings) -> None:
    """Create a PostgreSQL queue's tables now, while instances starting together take turns (runtime.prepare):
    two creating them at once collide."""
    if settings.queue_url.startswith(("postgresql://", "postgres://")):
        from huey.contrib.sql_huey import SqlStorage

        database = open_database(settings.queue_url)
        try:
            SqlStorage("helpdesk", database=database)
        finally:
            database.close_all()


def _postgres_huey(url: str, immediate: bool) -> Huey:
    """huey's SQL storage on a pool of its own: its four tables (created on first use) in that database.

    A thread that enqueues (a web request, a bot update) keeps a pooled connection like for the
    domain's work, so the units of work hand it back too (`scope.also_release`).
    """
    from huey.contrib.sql_huey import SqlHuey  # imports peewee's models: only when chosen

    database = open_database(url)
    also_release(database)
    return SqlHuey("helpdesk", database=database, immediate=immediate)


def _give_connection_back(task: Any, value: Any, exc: BaseException | None) -> None:
    # Runs in the worker thread that ran the task, success or failure.
    release_connection()


class QueueRunner:
    """Starts and stops the consumer threads; knows their state for /healthz."""

    def __init__(self, huey: Huey, workers: int = 2) -> None:
        self.huey = huey
        self.workers = workers
        self.consumer: EmbeddedConsumer | None = None
        self.state = "stopped"
        self.running: dict[str, str] = {}  # task id -> name, while a worker runs it
        # Hooks are kept by name: these must not replace each other (or _give_connection_back).
        huey.pre_execute("running_began")(lambda task: self.running.__setitem__(task.id, task.name))
        huey.post_execute("running_ended")(lambda task, value, exc: self.running.pop(task.id, None))

    def start(self) -> None:
        # Short polling back-off keeps shutdown quick: an idle worker sleeps at most max_delay.
        self.consumer = EmbeddedConsumer(self.huey, workers=self.workers, worker_type="thread", periodic=True,
                                         initial_delay=0.1, backoff=1.5, max_delay=1.0, scheduler_interval=1,
                                         shutdown_timeout=6, check_worker_health=False)
        self.consumer.start()
        self.state = "running"

    def stop(self, wait: float | None = None) -> list[str]:
        """Stop taking jobs and wait for the running ones: `wait` seconds (else the shutdown's few seconds).
        Returns the names of the jobs still running when the wait ran out (their threads cannot be killed)."""
        running: list[str] = []
        if self.consumer is not None:
            self.state = "stopping"
            if wait is not None:
                self.consumer.shutdown_timeout = wait
            self.consumer.stop(graceful=True)
            running = sorted(set(self.running.values()))
            self.huey.notify_interrupted_tasks()
            self.consumer = None
        self.state = "stopped"
        return running

    def health(self) -> dict[str, Any]:
        try:
            pending = self.huey.pending_count()
        except Exception as exc:  # the queue store itself is down
            return {"state": "error", "error": type(exc).__name__}
        return {"state": self.state, "pending": pending, "scheduled": self.huey.scheduled_count()}
