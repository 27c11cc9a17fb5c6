"""PostgreSQL connection pool: peewee's, plus the return of connections whose thread has died.

Connections are per thread. Every unit of work gives its connection back (see `scope.py`), but a
thread that ends while holding one (an idle anyio worker is retired after 10 s) would keep it checked
out for good: peewee's pool only knows the connection, not that its thread is gone. Those are closed
and dropped from the pool whenever it has no idle connection to hand out, and before it is reported.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import asdict, dataclass
from typing import Any

import peewee
from playhouse.pool import MaxConnectionsExceeded, PooledDatabase, PooledPostgresqlDatabase

POOL_SIZE = 32  # connections per process; the thread pools in scope.py are sized to stay below it


@dataclass(frozen=True)
class PoolStats:
    in_use: int
    idle: int
    max: int


class Pool(PooledPostgresqlDatabase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._owners: dict[int, weakref.ref[threading.Thread]] = {}
        super().__init__(*args, **kwargs)

    def _connect(self) -> Any:
        with self._pool_lock:
            if not self._connections:
                self.reclaim_orphans()
            conn = super()._connect()
            self._owners[self.conn_key(conn)] = weakref.ref(threading.current_thread())
            return conn

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        with self._pool_lock:
            self._owners.pop(self.conn_key(conn), None)
            super()._close(conn, close_conn)

    def reclaim_orphans(self) -> int:
        """Close the checked-out connections of threads that no longer exist; return how many."""
        with self._pool_lock:
            dead = [key for key in self._in_use if not _alive(self._owners.get(key))]
            for key in dead:
                self._owners.pop(key, None)
                self._close_raw(self._in_use.pop(key).connection)
            if dead:
                self._pool_available.notify_all()
            return len(dead)

    def stats(self) -> PoolStats:
        with self._pool_lock:
            self.reclaim_orphans()
            return PoolStats(len(self._in_use), len(self._connections), self._max_connections)

    def probe(self, timeout: float) -> None:
        """Run `SELECT 1` on a connection of the pool, waiting at most `timeout` seconds for one.

        The calling thread's connection goes back to the pool afterwards.
        """
        deadline = time.monotonic() + timeout
        while self.is_closed():
            try:
                # The pool's own connect waits up to its timeout (10 s): here the deadline is ours.
                super(PooledDatabase, self).connect()
            except MaxConnectionsExceeded:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise
                with self._pool_available:
                    self._pool_available.wait(timeout=min(remaining, 0.2))
        try:
            self.execute_sql("SELECT 1").fetchone()
        finally:
            self.close()


def _alive(owner: weakref.ref[threading.Thread] | None) -> bool:
    if owner is None:  # checked out before it was tracked: leave it alone
        return True
    thread = owner()
    return thread is not None and thread.is_alive()


def pool_stats(database: peewee.Database) -> dict[str, int] | None:
    """In use / idle / max for a pooled database, None for SQLite (a connection per thread, no pool)."""
    return asdict(database.stats()) if isinstance(database, Pool) else None
