"""Which instance leads: the one that runs the bot poller and the queue (periodic jobs, outbox delivery).

Several `helpdesk serve` instances may share one PostgreSQL database; Telegram allows one poller per
bot, and the minute's sweep and the outbox's delivery should run once. The leader is whoever holds a
session-level advisory lock (LOCK_ID) on a connection of its own, outside the pool. PostgreSQL drops
the lock with the session, so when the leader's process dies (its socket closes) the lock is free at
once, and a standby that asks every CHECK_SECONDS takes it. The leader runs `SELECT 1` on that
connection just as often: a connection that fails or hangs for QUERY_TIMEOUT means the lock may be
gone, so the instance steps down before another can have taken over for long. TCP keepalives catch a
silent network cut on both sides.

On SQLite there is one instance: it leads from the start and nothing is asked of the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

# The key of the advisory lock: "hdlk" in ASCII. Advisory locks are per database, so helpdesks on other
# databases of the same server never meet; anything else in this database must not take this number.
LOCK_ID = 0x68646C6B
START_LOCK_ID = LOCK_ID + 1  # held while one instance applies migrations and makes the first admin
CHECK_SECONDS = 1.0
QUERY_TIMEOUT = 3.0
CONNECT_OPTIONS = {"autocommit": True, "connect_timeout": 5, "application_name": "helpdesk-leader",
                   "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}

Hook = Callable[[], Awaitable[None]]


@contextlib.contextmanager
def one_at_a_time(database_url: str | None) -> Iterator[None]:
    """Instances started together prepare the database in turn (migrations, the first admin); SQLite: as is."""
    if database_url is None:
        yield
        return
    import psycopg

    with psycopg.connect(database_url, **CONNECT_OPTIONS) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (START_LOCK_ID,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (START_LOCK_ID,))


class Leadership:
    """Calls `on_gain` when this instance becomes the leader and `on_loss` when it stops being one."""

    def __init__(self, database_url: str | None, on_gain: Hook, on_loss: Hook,
                 interval: float = CHECK_SECONDS) -> None:
        self.url = database_url  # None: SQLite, one instance, always the leader
        self.on_gain = on_gain
        self.on_loss = on_loss
        self.interval = interval
        self.is_leader = False
        self.since: float | None = None
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None

    @property
    def shared(self) -> bool:
        """Whether other instances may share the database (so the leader is chosen, not given)."""
        return self.url is not None

    async def start(self) -> None:
        if self.url is None:
            await self._gain()
            return
        await self._tick()  # a lone instance leads by the time it answers its first request
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Step down (the hooks stop what leading started) and free the lock for a standby at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.is_leader:
            await self._lose()
        await self._disconnect()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self._tick()

    async def _tick(self) -> None:
        try:
            await self._check()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # psycopg.Error, OSError, TimeoutError: the lock may be gone
            if self.is_leader:
                log.error("leadership lost: the lock's connection failed (%s)", type(exc).__name__)
                await self._lose()
            else:
                log.warning("cannot ask for leadership: %s", type(exc).__name__)
            await self._disconnect()

    async def _check(self) -> None:
        if self._conn is None:
            import psycopg

            self._conn = await asyncio.wait_for(psycopg.AsyncConnection.connect(self.url, **CONNECT_OPTIONS),
                                                QUERY_TIMEOUT + 5)
        if self.is_leader:
            await asyncio.wait_for(self._conn.execute("SELECT 1"), QUERY_TIMEOUT)
            return
        cursor = await asyncio.wait_for(self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_ID,)),
                                        QUERY_TIMEOUT)
        row = await cursor.fetchone()
        if row and row[0]:
            await self._gain()

    async def _gain(self) -> None:
        self.is_leader = True
        self.since = time.monotonic()
        log.info("this instance leads: it runs the bot poller and the queue")
        try:
            await self.on_gain()
        except Exception:
            # Half started (the database went away in between, say): stop what did start; the raise frees
            # the lock (a new connection asks again) or, on SQLite, fails the start as before.
            log.exception("starting the leader's work failed")
            await self._lose()
            raise

    async def _lose(self) -> None:
        self.is_leader = False
        self.since = None
        try:
            await self.on_loss()
        except Exception:
            log.exception("stopping the leader's work failed")

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), QUERY_TIMEOUT)

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = {"leader": self.is_leader, "shared": self.shared}
        if self.since is not None:
            data["for_seconds"] = round(time.monotonic() - self.since)
        return data
