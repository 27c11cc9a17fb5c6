"""Domain create-request throughput on SQLite and PostgreSQL, 1 and 4 threads.

    python bench/domain_create.py [--count 2000]
"""

from __future__ import annotations

import argparse

from _common import create_from_threads, fresh_database

from helpdesk.db.models import Ticket


def run(engine: str, threads: int, count: int) -> float:
    _, cleanup = fresh_database(engine)
    per_thread = count // threads
    elapsed, _ = create_from_threads(threads, per_thread)
    made = Ticket.select().count()
    assert made == per_thread * threads, made
    cleanup()
    return made / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    print("domain create-request throughput (each: number, SLA dates, audit event, outbox notice, commit)")
    for engine in ("sqlite", "postgres"):
        for threads in (1, 4):
            rate = run(engine, threads, args.count)
            print(f"  {engine:9s} {threads} thread(s): {rate:8.0f} requests/s")


if __name__ == "__main__":
    main()
