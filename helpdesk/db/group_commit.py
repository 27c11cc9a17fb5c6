"""Group commit: writers that arrive together share one transaction and one commit.

Some writes are serialised until their commit: a request's number is gapless, so the year's counter
row stays locked (PostgreSQL) or the one writer's lock held (SQLite) until the transaction ends, and
on PostgreSQL the commit waits for the WAL to reach the disk (5.5 ms on the build box). One commit per
write caps them at one flush each. Here the first writer to come leads: it takes every write queued
behind it, runs each in its own savepoint (a failing one is rolled back alone, its number included),
commits once, and only then tells each writer its result. The next queued writer leads the next batch.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from helpdesk.db.database import db

T = TypeVar("T")
MOST_PER_BATCH = 32


class _Job(Generic[T]):
    __slots__ = ("fn", "ready", "lead", "result", "error")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.ready = threading.Event()  # done, or handed the lead
        self.lead = False
        self.result: T | None = None
        self.error: BaseException | None = None


class GroupCommit:
    def __init__(self, most: int = MOST_PER_BATCH) -> None:
        self._guard = threading.Lock()
        self._queue: list[_Job[Any]] = []
        self._leading = False
        self._most = most

    def run(self, fn: Callable[[], T], transaction: Callable[[], contextlib.AbstractContextManager[Any]]) -> T:
        """`fn()` inside `transaction()`, maybe beside other writers' calls; returns or raises once committed.

        `fn` runs on the leading writer's thread and connection: it must take what it needs as arguments,
        not from thread-local state. Called inside a transaction, it simply runs there.
        """
        if db.in_transaction():
            with db.atomic():
                return fn()
        job = _Job(fn)
        with self._guard:
            self._queue.append(job)
            job.lead = not self._leading
            self._leading = True
        if not job.lead:
            job.ready.wait()
        if job.lead:  # the first to come, or handed the lead when the batch before ended
            self._lead(transaction)
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _lead(self, transaction: Callable[[], contextlib.AbstractContextManager[Any]]) -> None:
        with self._guard:
            batch, self._queue = self._queue[:self._most], self._queue[self._most:]
        try:
            with transaction():
                if len(batch) == 1:  # alone: its failure rolls the transaction back, no savepoint needed
                    batch[0].result = batch[0].fn()
                for job in batch if len(batch) > 1 else ():
                    try:
                        with db.atomic():  # a savepoint: a failure undoes this write only
                            job.result = job.fn()
                    except Exception as exc:  # noqa: BLE001 - handed to its own writer
                        job.error = exc
        except BaseException as exc:  # BEGIN, COMMIT or a lone write failed: nothing of the batch was written
            for job in batch:
                job.error = exc
        finally:
            with self._guard:
                following = self._queue[0] if self._queue else None
                if following is not None:
                    following.lead = True
                else:
                    self._leading = False
            for job in batch:
                job.ready.set()
            if following is not None:
                following.ready.set()


tickets = GroupCommit()  # the creates of requests
