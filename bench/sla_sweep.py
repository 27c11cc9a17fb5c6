"""One SLA sweep over 100k open requests: the quiet minute, and the minute deadlines pass.

    python bench/sla_sweep.py [--database sqlite|postgres|both] [--size 100k] [--overdue 1000]

Works on a private copy of the 100k benchmark dataset (bench/_dataset.py builds it once and finds
it): every request is made open (new or in work) with its deadlines in the future, then
  - quiet: a sweep where nothing is due (what runs every minute almost always);
  - overdue: `--overdue` requests pass their accept or resolve deadline: one sweep reminds each once;
  - recompute: an SLA policy change moves every open request's deadlines.
The anchor is the bare SQL the sweep starts from (the count of overdue open requests) in the same run,
and for the overdue sweep the same number of plain outbox INSERTs in one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import _dataset

from helpdesk.core import cache, sla
from helpdesk.db.database import close_database, db, init_database, is_sqlite, write_transaction
from helpdesk.db.models import OutboxMessage, Ticket, TicketType, utcnow

CACHE = Path("/tmp/helpdesk-bench-cache")


def _timed(call) -> float:  # noqa: ANN001 - any callable
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _open_everything(now: dt.datetime) -> int:
    """All requests open, half new and half in work, deadlines a day ahead, no reminders sent."""
    future = now + dt.timedelta(days=1)
    with write_transaction():
        Ticket.update(status="new", archived=False, accept_due_at=future, resolve_due_at=future, sla_level=0,
                      resolve_sla_level=0).execute()
        Ticket.update(status="in_progress").where(Ticket.id.bin_and(1) == 0).execute()
    return Ticket.select().count()


def _anchor_query(now: dt.datetime) -> float:
    """The sweep's two reads as bare SQL: open requests past their accept, then resolve deadline."""
    sqls = ["SELECT count(*) FROM ticket WHERE status = 'new' AND NOT archived AND accept_due_at <= %s "
            "AND sla_level < 2",
            "SELECT count(*) FROM ticket WHERE status IN ('accepted', 'in_progress') AND NOT archived "
            "AND resolve_due_at <= %s AND resolve_sla_level < 2"]
    sqls = [sql.replace("%s", "?") for sql in sqls] if is_sqlite() else sqls
    return _timed(lambda: [db.execute_sql(sql, (now,)).fetchone() for sql in sqls])


def _anchor_inserts(count: int) -> float:
    rows = [{"channel": "telegram", "kind": "bench", "address": "1", "payload": "{}", "status": "sent"}
            for _ in range(count)]

    def insert() -> None:
        with write_transaction():
            for start in range(0, count, 500):
                OutboxMessage.insert_many(rows[start:start + 500]).execute()
    return _timed(insert)


def run(engine: str, size: int, overdue: int) -> None:
    data = _dataset.prepare(engine, size, CACHE, None)
    try:
        init_database(data.url)  # applies this branch's migrations to the working copy
        cache.invalidate()
        now = utcnow()
        total = _open_everything(now)
        quiet = min(_timed(lambda: sla.sweep(now)) for _ in range(3))
        anchor = min(_anchor_query(now) for _ in range(3))
        print(f"{engine}: {total} open requests")
        print(f"  quiet sweep (nothing due)      {quiet * 1000:8.2f} ms   bare SQL counts {anchor * 1000:6.2f} ms"
              f"   ratio {quiet / anchor:5.1f}")
        past = now - dt.timedelta(minutes=1)
        ids = [t.id for t in Ticket.select(Ticket.id).order_by(Ticket.id).limit(overdue)]
        with write_transaction():
            Ticket.update(accept_due_at=past).where(Ticket.id.in_(ids) & (Ticket.status == "new")).execute()
            Ticket.update(resolve_due_at=past).where(Ticket.id.in_(ids) & (Ticket.status == "in_progress")).execute()
        before = OutboxMessage.select().count()
        took = _timed(lambda: sla.sweep(now))
        queued = OutboxMessage.select().count() - before
        inserts = _anchor_inserts(queued)
        print(f"  sweep with {overdue} overdue        {took:8.2f} s    {overdue / took:6.0f} requests/s, "
              f"{queued} notices; bare INSERTs {inserts:5.2f} s, ratio {took / inserts:5.1f}")
        again = _timed(lambda: sla.sweep(now + dt.timedelta(seconds=30)))
        print(f"  the next sweep (all sent)      {again * 1000:8.1f} ms")
        types = [t.id for t in TicketType.select()]
        cache.invalidate()
        with write_transaction():  # as in the policy save: one transaction
            took = _timed(lambda: sla.recompute_open(types))
        print(f"  policy change: recompute {total} open deadlines {took:6.2f} s ({total / took:,.0f}/s)")
    finally:
        close_database()
        data.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--size", default="100k")
    parser.add_argument("--overdue", type=int, default=1000)
    args = parser.parse_args()
    for engine in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(engine, _dataset.parse_size(args.size), args.overdue)


if __name__ == "__main__":
    main()
