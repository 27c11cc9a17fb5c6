"""Creates from many threads at once, with and without group commit, in the same run.

    python bench/group_commit.py [--threads 16] [--per-thread 25] [--database sqlite|postgres|both]

Prints creates per second, process CPU per create (the load sways it less than the rate) and how many
write transactions carried them: the load-independent figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator

from _common import create_from_threads, fresh_database

from helpdesk.core import outbox
from helpdesk.db import group_commit
from helpdesk.db.models import Ticket


class OneByOne(group_commit.GroupCommit):
    """The path before group commit: each create in its own transaction."""

    def run(self, fn, transaction):  # noqa: ANN001, ANN201 - the base class's signature
        with transaction():
            return fn()


def measure(engine: str, batched: bool, threads: int, per_thread: int) -> str:
    _, cleanup = fresh_database(engine)
    group_commit.tickets = group_commit.GroupCommit() if batched else OneByOne()
    transactions = [0]
    real_changes = outbox.changes

    @contextlib.contextmanager
    def counted() -> Iterator[None]:
        with real_changes():
            yield
        transactions[0] += 1

    outbox.changes = counted
    elapsed, cpu = create_from_threads(threads, per_thread)
    outbox.changes = real_changes
    made = Ticket.select().count()
    assert made == threads * per_thread, made
    cleanup()
    return (f"  {engine:9s} {'group commit' if batched else 'one by one  '}  {made / elapsed:6.0f} creates/s   "
            f"CPU {1000 * cpu / made:5.2f} ms/create   {transactions[0]:4d} transactions for {made} creates   "
            f"load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=25)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    print(f"{args.threads} threads creating {args.per_thread} requests each")
    for engine in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        for batched in (False, True, False, True):
            print(measure(engine, batched, args.threads, args.per_thread))


if __name__ == "__main__":
    main()
