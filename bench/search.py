"""Free-text search of requests at 100k and 1M requests, on SQLite and PostgreSQL.

    python bench/search.py [--sizes 100k,1M] [--database sqlite|postgres] [--pg-dsn DSN]
                           [--samples 15] [--cache-dir DIR]

Uses the cached data sets of bench/web_requests.py (_dataset.py builds them once per size and engine;
their search documents come from migration 0013). Times the domain call behind the requests list's
search box and the API's `text` (tickets.search: ranked ids, then one page of 25 with its relations),
as an admin, the busiest warehouse's storekeeper and the busiest branch's user, for current requests
(the list's default) and for the archive too; and search.ranked alone, the ids only.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import _dataset
from _common import dataset_arguments, each_dataset, percentiles

from helpdesk.core import search, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import close_database, db, init_database
from helpdesk.db.models import Branch, Comment, Setting, Ticket, User

WARMUP = 1
ROLES = dict(zip(("admin", "storekeeper", "branch"), _dataset.PERSONAS, strict=True))


def queries(busy_branch: Branch, number: str) -> list[tuple[str, str]]:
    """(what, text): common and rare words, word forms, prefixes, names, numbers, nothing."""
    return [
        ("common word", "принтер"), ("word form", "принтера"), ("two words", "сканер кабинет"),
        ("prefix", "скан"), ("rare word", "гудка"), ("latin words", "mail client"),
        ("comment word", "курьером"), ("branch name", busy_branch.name), ("person", "Кладовщик 1-2"),
        ("number without year", number[5:]), ("full number", number), ("no match", "факс"),
    ]


def _time(call: object, samples: int) -> tuple[list[float], int]:
    times, found = [], 0
    for attempt in range(WARMUP + samples):
        started = time.perf_counter()
        found = call()
        if attempt >= WARMUP:
            times.append(time.perf_counter() - started)
    return times, found


def measure(url: str, samples: int) -> None:
    init_database(url)  # applies what the cache lacks (0013 on a cache built before it)
    facts = Setting.get_by_id("bench_dataset").value
    busy = Branch.get_by_id(facts["busy_branch"])
    number = Ticket.select(Ticket.number).where(Ticket.branch == busy).order_by(Ticket.id.desc()).offset(300).get()
    plan = queries(busy, number.number)
    print(f"  {'persona':12s}{'query':22s}{'text':22s}{'found':>7s}{'p50 ms':>9s}{'p95 ms':>9s}"
          f"{'+archive p95':>14s}{'ids p95':>9s}")
    everything: dict[str, list[float]] = {"list": [], "list+archive": [], "ids": []}
    for role, username in ROLES.items():
        actor = Actor(User.get(User.username == username), "web")
        for what, text in plan:
            current = tickets.TicketFilter(text=text, sort=tickets.RELEVANCE, per_page=25)
            listed, found = _time(lambda f=current, a=actor: tickets.search(a, f).total, samples)
            with_archive, _ = _time(
                lambda f=current, a=actor: tickets.search(a, replace(f, archived=None)).total, samples)
            ids, _ = _time(lambda t=text, a=actor: len(search.ranked(a, t)), samples)
            everything["list"] += listed
            everything["list+archive"] += with_archive
            everything["ids"] += ids
            p50, p95 = percentiles(listed)
            print(f"  {role:12s}{what:22s}{text[:21]:22s}{found:7d}{p50 * 1000:9.1f}{p95 * 1000:9.1f}"
                  f"{percentiles(with_archive)[1] * 1000:14.1f}{percentiles(ids)[1] * 1000:9.1f}", flush=True)
    anchor, _ = _time(lambda: db.execute_sql("SELECT 1").fetchone()[0], samples * 10)
    a50, a95 = percentiles(anchor)
    print(f"  anchor: bare SELECT 1 round trip p50 {a50 * 1000:.2f} ms   p95 {a95 * 1000:.2f} ms")
    for name, values in everything.items():
        p50, p95 = percentiles(values)
        print(f"  overall {name:14s} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   ({len(values)} samples)"
              f"   p95 = {p95 / a95:,.0f} x anchor")
    close_database()


def describe(url: str) -> str:
    init_database(url, migrate=False)
    text = (f"{Ticket.select().count():,} requests, {Comment.select().count():,} comments, "
            f"{Branch.select().count()} branches")
    db.close()
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    dataset_arguments(parser)
    parser.add_argument("--samples", type=int, default=15, help="timed searches per query and persona")
    args = parser.parse_args()
    for label, data in each_dataset(args.sizes, args.database, args.cache_dir, args.pg_dsn):
        print(f"  {describe(data.url)}")
        print(f"search, {label}: {args.samples} samples per query, persona and scope")
        measure(data.url, args.samples)


if __name__ == "__main__":
    main()
