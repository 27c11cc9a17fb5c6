"""A few PostgreSQL connections working through tasks that wait for one another: the move's second half.

Each worker thread owns one connection (autocommit: every statement its own transaction). A task runs
once everything it `needs` is done: other tasks, or steps the caller marks (a table copied). Among the
ready tasks the lowest `rank` goes first. The first failure stops the graph: running statements are
cancelled, nothing new starts, and `wait`/`check` raise it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg


@dataclass(order=True)
class Task:
    rank: tuple[int, int]
    key: str = field(compare=False)
    needs: frozenset[str] = field(compare=False)
    run: Callable[[psycopg.Connection], None] = field(compare=False)


class TaskGraph:
    def __init__(self, connect: Callable[[], psycopg.Connection], workers: int) -> None:
        self._connect = connect
        self._size = workers
        self._pending: list[Task] = []
        self._done: set[str] = set()
        self._running: dict[str, psycopg.Connection] = {}
        self._connections: list[psycopg.Connection] = []
        self._threads: list[threading.Thread] = []
        self._cond = threading.Condition()
        self._closed = False  # no task will be added
        self._stopped = False
        self.error: BaseException | None = None
        self.total = 0
        self.finished = 0

    def start(self) -> None:
        for n in range(self._size):
            conn = self._connect()  # in this thread: a refused connection fails the move before any work
            self._connections.append(conn)
            thread = threading.Thread(target=self._work, args=(conn,), name=f"move-worker-{n}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def add(self, task: Task) -> None:
        with self._cond:
            self._pending.append(task)
            self.total += 1
            self._cond.notify_all()

    def mark(self, key: str) -> None:
        """A step done outside the graph (a table copied): the tasks that need it may run."""
        with self._cond:
            self._done.add(key)
            self._cond.notify_all()

    def close(self) -> None:
        """No more tasks: the workers stop once the last one is done."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def running(self) -> list[str]:
        with self._cond:
            return list(self._running)

    def remaining(self) -> list[str]:
        """The keys of the tasks not done yet, running or waiting."""
        with self._cond:
            return [*self._running, *(t.key for t in self._pending)]

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def wait(self, on_tick: Callable[[], None], every: float) -> None:
        """Until every task is done (call `close` first); `on_tick` every `every` seconds meanwhile."""
        while True:
            with self._cond:
                idle = not self._pending and not self._running
                if self.error is not None:
                    raise self.error
                if not idle and not self._running and self._next_ready() is None and self._closed:
                    raise RuntimeError("tasks wait for steps never done: " + ", ".join(t.key for t in self._pending))
                if self.error is None and not idle:
                    self._cond.wait(every)
            self.check()
            if idle:
                return
            on_tick()

    def stop(self) -> None:
        """Cancel what runs, start nothing more, and close the connections."""
        with self._cond:
            self._stopped = True
            busy = list(self._running.values())
            self._cond.notify_all()
        for conn in busy:
            with contextlib.suppress(Exception):  # a connection already gone has nothing to cancel
                conn.cancel()
        for thread in self._threads:
            thread.join()
        for conn in self._connections:
            with contextlib.suppress(Exception):
                conn.close()

    def _next_ready(self) -> Task | None:
        return min((t for t in self._pending if t.needs <= self._done), default=None)

    def _next(self) -> Task | None:
        task = self._next_ready()
        if task is not None:  # by identity: tasks of equal rank compare equal
            del self._pending[next(i for i, t in enumerate(self._pending) if t is task)]
        return task

    def _work(self, conn: psycopg.Connection) -> None:
        while True:
            with self._cond:
                while not self._stopped and (task := self._next()) is None:
                    if self._closed and not self._pending and not self._running:
                        self._cond.notify_all()
                        return
                    self._cond.wait()
                if self._stopped:
                    return
                self._running[task.key] = conn
            try:
                task.run(conn)
            except BaseException as exc:  # handed to the caller's wait/check
                exc.add_note(f"in the move's task {task.key}")
                with self._cond:
                    self._running.pop(task.key, None)
                    if not self._stopped and self.error is None:
                        self.error = exc
                    self._stopped = True
                    self._cond.notify_all()
                return
            with self._cond:
                del self._running[task.key]
                self._done.add(task.key)
                self.finished += 1
                self._cond.notify_all()
