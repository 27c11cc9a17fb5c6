"""Domain create-request throughput on SQLite and PostgreSQL, 1 and 4 threads.

    python bench/domain_create.py [--count 2000]
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import fresh_database

from helpdesk.core import tickets
from helpdesk.db.database import db
from helpdesk.db.models import Ticket


def run(engine: str, threads: int, count: int) -> float:
    _, cleanup = fresh_database(engine)

    from helpdesk.core.actors import Actor
    from helpdesk.db.models import User

    authors = [User.get(User.username == name) for name in ("bob", "bea", "carl", "dan")]
    per_thread = count // threads

    def work(index: int) -> None:
        actor = Actor(authors[index % len(authors)], "api")
        draft = tickets.TicketDraft("it_help", description="Mail client does not start")
        for _ in range(per_thread):
            tickets.create(actor, draft)
        db.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
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
