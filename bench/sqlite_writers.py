"""32 concurrent writers on one SQLite file: no "database is locked", and how long the slowest waits.

    python bench/sqlite_writers.py [--writers 32] [--seconds 5]

Anchor: bare sqlite3 threads doing BEGIN IMMEDIATE / one INSERT / COMMIT with the same pragmas. Then
the domain's create (number, request, audit, notice) with this process's writers queued in arrival
order (db/writer_queue.py), and the same without the queue, left to SQLite's busy handler.
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
import time
from pathlib import Path

from _common import fresh_database, percentiles, sqlite_url

from helpdesk.core import tickets
from helpdesk.db import database
from helpdesk.db.database import SQLITE_PRAGMAS, db


def hammer(writers: int, seconds: float, one_write) -> tuple[int, list[float], int]:  # noqa: ANN001
    latencies: list[float] = []
    locked = [0]
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def worker(index: int) -> None:
        start.wait()
        stop = time.perf_counter() + seconds
        mine = []
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                one_write(index)
            except Exception as exc:  # noqa: BLE001 - counted: the figure this bench is about
                if "locked" not in str(exc):
                    raise
                with lock:
                    locked[0] += 1
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, locked[0]


def bare(writers: int, seconds: float) -> tuple[int, list[float], int]:
    url, folder = sqlite_url()
    path = Path(url[len("sqlite:///"):])
    setup = sqlite3.connect(path)
    for name, value in SQLITE_PRAGMAS.items():
        setup.execute(f"PRAGMA {name}={value}")
    setup.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, body TEXT, created REAL)")
    setup.close()
    local = threading.local()

    def write(_index: int) -> None:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            local.conn.execute(f"PRAGMA busy_timeout={SQLITE_PRAGMAS['busy_timeout']}")
            local.conn.execute("PRAGMA synchronous=normal")
        local.conn.execute("BEGIN IMMEDIATE")
        local.conn.execute("INSERT INTO item (body, created) VALUES (?, ?)", ("Mail is down", time.time()))
        local.conn.execute("COMMIT")

    return hammer(writers, seconds, write)


class _NoQueue:
    def acquire(self, timeout: float) -> bool:
        return False

    def release(self) -> None:  # pragma: no cover - never acquired
        pass


def domain(writers: int, seconds: float, queued: bool) -> tuple[int, list[float], int]:
    _, cleanup = fresh_database("sqlite")
    from helpdesk.core.actors import Actor
    from helpdesk.db.models import User

    actors = [Actor(User.get(User.username == name), "api") for name in ("bob", "bea", "carl", "dan")]
    draft = tickets.TicketDraft("it_help", description="Mail client does not start")
    saved = database._sqlite_writers
    if not queued:
        database._sqlite_writers = _NoQueue()
    try:
        return hammer(writers, seconds, lambda i: tickets.create(actors[i % 4], draft))
    finally:
        database._sqlite_writers = saved
        db.close()
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    rows = [("bare sqlite3 insert", bare(args.writers, args.seconds)),
            ("helpdesk create, queued", domain(args.writers, args.seconds, True)),
            ("helpdesk create, busy handler", domain(args.writers, args.seconds, False))]
    print(f"SQLite, {args.writers} concurrent writers, {args.seconds:g} s each")
    anchor = rows[0][1][0]
    for name, (count, latencies, locked) in rows:
        p50, _ = percentiles(latencies)
        p99 = sorted(latencies)[max(0, int(len(latencies) * 0.99) - 1)]
        print(f"  {name:30s} {count / args.seconds:7.0f} writes/s  p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:7.1f} ms  "
              f"max {max(latencies) * 1000:7.1f} ms  locked {locked}  ratio {count / anchor:.2f}")


if __name__ == "__main__":
    main()
