"""Every report and the admin dashboard at 1M requests: p50/p95 server time per engine, as a table.

    python bench/reports.py [--size 1M] [--database sqlite,postgres] [--samples 7] [--period quarter]
                            [--pg-dsn DSN] [--cache-dir DIR] [--url URL]

Uses the shared cached data sets (bench/_dataset.py; never build a second copy): each run works on a
copy, to which init_database applies the migrations the cache lacks (0018 backfills the lead times;
its time is printed). `--url` measures an existing working copy instead (one engine; migrated on
open too), to compare code changes without copying a million requests again. "Today" is the data set's own day, so the periods hold its busiest months.
The anchor is `SELECT COUNT(*)` of the period's requests on the same connection: the floor any report
over that period pays, measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _dataset
from _common import percentiles

from helpdesk.core import reports, stats, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import close_database, init_database
from helpdesk.db.models import Setting, Ticket, User

WARMUP = 1


def _dashboard(actor: Actor, now: dt.datetime) -> None:
    """What the dashboard's handler asks the domain for (web/panel/dashboard.py)."""
    stats.open_counts(actor)
    stats.sla_watch(actor, now)
    stats.today(actor, now)
    stats.per_day(actor, now=now)
    stats.open_by_type(actor)
    stats.open_by_branch(actor)
    tickets.search(actor, tickets.TicketFilter(per_page=10))


def plan(actor: Actor, flt: reports.ReportFilter, now: dt.datetime) -> dict[str, Callable[[], object]]:
    start, end = flt.period.bounds()
    return {
        "anchor: COUNT(*) in period": lambda: Ticket.select().where(
            (Ticket.created_at >= start) & (Ticket.created_at < end)).count(),
        "cartridges by branch": lambda: reports.cartridges_by_branch(actor, flt),
        "cartridges by model": lambda: reports.cartridges_by_model(actor, flt),
        "requests by type/status": lambda: reports.requests_by_type_status(actor, flt),
        "lead times overall": lambda: reports.lead_times(actor, flt, "all"),
        "lead times by branch": lambda: reports.lead_times(actor, flt, "branch"),
        "lead times by type": lambda: reports.lead_times(actor, flt, "type"),
        "SLA compliance": lambda: reports.sla_compliance(actor, flt, now),
        "SLA breaches (500)": lambda: reports.breaches(actor, flt, now),
        "backlog by age": lambda: reports.backlog(actor, flt, now),
        "top printers": lambda: reports.top_printers(actor, flt),
        "trend, 12 months": lambda: reports.trend(actor, flt),
        "heat map": lambda: reports.heat_map(actor, flt),
        "dashboard (admin)": lambda: _dashboard(actor, now),
    }


def measure(engine: str, url: str, samples: int, preset: str) -> dict[str, tuple[float, float, int, int]]:
    started = time.perf_counter()
    init_database(url)
    print(f"{engine}: migrations on the copy (0018's backfill and indexes) took {time.perf_counter() - started:.0f} s")
    facts = Setting.get_by_id("bench_dataset").value
    now = dt.datetime.fromisoformat(str(facts["now"])) if facts.get("now") else Ticket.select(
        Ticket.created_at).order_by(Ticket.created_at.desc()).scalar()
    admin = Actor(User.get(User.username == _dataset.PERSONAS[0]), "web")
    flt = reports.ReportFilter(reports.period(preset, today=reports.local_today(now)))
    results = {}
    for name, call in plan(admin, flt, now).items():
        times = []
        for attempt in range(WARMUP + samples):
            begun = time.perf_counter()
            call()
            if attempt >= WARMUP:
                times.append(time.perf_counter() - begun)
        results[name] = (*percentiles(times)[:2], *work(engine, call))
    close_database()
    return results


def work(engine: str, call: Callable[[], object]) -> tuple[int, int]:
    """Load-independent measures of one call: the statements sent, and on SQLite the VM instructions
    executed (thousands, from a progress handler), which the machine's load does not change."""
    database = Ticket._meta.database.obj
    sent = [0]
    execute = database.execute_sql

    def counted(*args: object, **kwargs: object) -> object:
        sent[0] += 1
        return execute(*args, **kwargs)

    steps = [0]
    connection = database.connection()
    if engine == "sqlite":
        connection.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1) or 0, 1000)
    database.execute_sql = counted
    try:
        call()
    finally:
        del database.execute_sql
        if engine == "sqlite":
            connection.set_progress_handler(None, 0)
    return sent[0], steps[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--database", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--period", default="quarter", choices=[p for p in reports.PRESETS if p != "custom"])
    parser.add_argument("--pg-dsn")
    parser.add_argument("--url", help="an existing working copy (never the shared cache itself)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "helpdesk-bench-cache")
    args = parser.parse_args()
    table: dict[str, dict[str, tuple[float, float, int, int]]] = {}
    if args.url:
        table[args.database] = measure(args.database, args.url, args.samples, args.period)
    for engine in ([] if args.url else args.database.split(",")):
        data = _dataset.prepare(engine, _dataset.parse_size(args.size), args.cache_dir, args.pg_dsn)
        try:
            table[engine] = measure(engine, data.url, args.samples, args.period)
        finally:
            data.cleanup()
    engines = list(table)
    print(f"\n{args.size} requests, period {args.period}, admin, {args.samples} samples; ms (p50 / p95), "
          "statements, thousands of SQLite VM instructions (load-independent)")
    print(f"{'report':30s}" + "".join(f"{e:>34s}" for e in engines))
    for name in next(iter(table.values())):
        cells = "".join(f"{table[e][name][0] * 1000:>10.0f} /{table[e][name][1] * 1000:>7.0f}"
                        f"{table[e][name][2]:>6d}{table[e][name][3]:>9d}" for e in engines)
        print(f"{name:30s}{cells}")


if __name__ == "__main__":
    main()
