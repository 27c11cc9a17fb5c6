"""Every unit of work gives its database connection back: a web request, a task, a bot update.

Connections are per thread, so the connection must go back in the thread that used it. The event
loop's default executor runs Litestar's sync handlers and every `asyncio.to_thread` call (the bot's
calls into the domain): `ScopedExecutor` wraps each job in `connection_scope()`. huey's tasks get a
post-execute hook (tasks/queue.py). On SQLite the connection stays with its thread (cheap to keep,
and closed with the thread); on PostgreSQL it returns to the pool.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from playhouse.pool import PooledDatabase

from helpdesk.db.database import db
from helpdesk.db.pool import POOL_SIZE

T = TypeVar("T")

# Threads that may hold a connection at once stay below the pool's size, so nobody waits for one:
# executor jobs + anyio's threads + 2 huey workers + the event loop's thread + the password checks'
# threads (web/panel/session.py: hash slots + 2, so 6 at most).
EXECUTOR_THREADS = 16
ANYIO_THREADS = 4  # little runs there now: our own calls go through the executor above
LOGIN_THREADS_MAX = 6
assert EXECUTOR_THREADS + ANYIO_THREADS + 2 + 1 + LOGIN_THREADS_MAX <= POOL_SIZE

_depth = threading.local()
_others: list[PooledDatabase] = []  # pools beside the main one (the PostgreSQL queue's)


def also_release(database: object) -> None:
    """Units of work give this database's pooled connection back too (no-op unless pooled)."""
    if isinstance(database, PooledDatabase):
        _others.append(database)


def release_connection() -> None:
    """Give this thread's pooled connections back (no-op on SQLite or when none is open)."""
    for database in (db.obj, *_others):
        if isinstance(database, PooledDatabase) and not database.is_closed():
            database.close()


@contextlib.contextmanager
def connection_scope() -> Iterator[None]:
    """The connection opened inside goes back at the end of the outermost scope of this thread."""
    depth = getattr(_depth, "value", 0)
    _depth.value = depth + 1
    try:
        yield
    finally:
        _depth.value = depth
        if depth == 0:
            release_connection()


def scoped(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with connection_scope():
        return fn(*args, **kwargs)


class ScopedExecutor(ThreadPoolExecutor):
    """The event loop's default executor: each job gives its connection back when it ends."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(scoped, fn, *args, **kwargs)


def use_scoped_threads() -> None:
    """Call inside the running loop, at start: the loop's executor and anyio's thread limit."""
    import asyncio

    import anyio.to_thread

    asyncio.get_running_loop().set_default_executor(
        ScopedExecutor(max_workers=EXECUTOR_THREADS, thread_name_prefix="helpdesk-worker"))
    anyio.to_thread.current_default_thread_limiter().total_tokens = ANYIO_THREADS
