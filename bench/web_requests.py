"""The requests list with 100k and 1M requests in the database (create throughput: bench/api_create.py).

    python bench/web_requests.py [--sizes 100k,1M] [--database sqlite|postgres] [--pg-dsn DSN]
                                 [--samples 20] [--cache-dir DIR] [--migrate-to NAME] [--detail]
                                 [--only TEXT] [--explain]

Each size's database is generated once (see _dataset.py) and cached; every run works on a copy. The list
is measured in-process on the real app (as tests/web/conftest.py builds it): server time is taken around
the app's ASGI handler, from a request's arrival to its last body byte, for typical filtered views as an
admin, a storekeeper and a branch user; "CPU ms" is the process's CPU per request (the in-process
client's share included: compare it between runs, not with the server time). `--migrate-to` stops the list's schema at an older
migration (e.g. 0004_bot_state), to measure the list before a later index migration on the same data.
`--detail` adds what each view costs whatever the load (_statements.py): statements per page, process CPU
ms, SQLite VM steps or PostgreSQL shared buffers, and the costliest statement; `--only` keeps the views
whose name contains TEXT; `--explain` prints the costliest statement and its plan per view.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _dataset
import _statements
from _common import (
    dataset_arguments,
    each_dataset,
    percentiles,
)
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings, prepare_data_dir
from helpdesk.core import people
from helpdesk.core.actors import Actor
from helpdesk.db.database import apply_migrations, close_database, db, init_database, is_sqlite
from helpdesk.db.models import AuditEvent, Branch, Comment, OrderLine, Setting, Ticket, User

WARMUP = 2
ROLES = ("admin", "storekeeper", "branch")
USERNAMES = dict(zip(ROLES, _dataset.PERSONAS, strict=True))
ANCHOR = "anchor: /healthz"
DEEP = "deep: "
OPEN = "status=new&status=accepted&status=in_progress&status=resolved"


@dataclass
class View:
    persona: str  # admin | storekeeper | branch
    name: str
    path: str
    samples: list[float]
    matches: int = 0
    cpu: list[float] = field(default_factory=list)  # process CPU seconds per request (the client's share too)
    probe: _statements.Probe | None = None
    cost: list[tuple[int, float]] | None = None  # per statement: (VM steps or PG buffers, ms)
    plan_text: str = ""  # --explain on PostgreSQL: the costliest statement's plan


class ServerClock:
    """Wraps the app's ASGI handler: the time from a request's arrival to its last body chunk."""

    def __init__(self, app: Any) -> None:
        self.last = 0.0
        inner = app.asgi_handler

        async def timed(scope: dict, receive: Callable[[], Awaitable[dict]],
                        send: Callable[[dict], Awaitable[None]]) -> None:
            started = time.perf_counter()

            async def timed_send(message: dict) -> None:
                await send(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    self.last = time.perf_counter() - started

            await inner(scope, receive, timed_send)

        app.asgi_handler = timed


def views(anchor: dt.date, busy_branch: int, fragment: str, deep: tuple[int, str]) -> list[tuple[str, str, str]]:
    """(persona, view, path) for the HTML list and the JSON list."""
    month = f"type=cartridges&from={anchor - dt.timedelta(days=30)}&to={anchor}"
    html = [("default", ""), ("status=new", "status=new"), ("open statuses", OPEN),
            ("branch filter", f"branch={busy_branch}"), (f"search {fragment!r}", f"q={fragment}"),
            ("type + last month", month), ("archived", "archived=yes"), ("sort -updated", "sort=-updated"),
            ("sort status", "sort=status"), ("page 50", "page=50"),
            # the saved views and the SLA / priority / mine filters (every page also counts the views)
            ("view my open", "view=mine"), ("view overdue", "view=overdue"), ("view new", "view=new"),
            ("sla due soon", "sla=due_soon"), ("priority urgent+high", "priority=urgent&priority=high"),
            ("mine + sla ok", "mine=1&sla=ok")]
    # The anchor: the app's cheapest answer (no list), timed the same way in the same run; on a loaded
    # machine the list's ratio to it says more than its milliseconds.
    result = [(persona, ANCHOR, "/healthz") for persona in ROLES]
    for persona in ROLES:
        for name, query in html:
            if persona == "branch" and name in ("branch filter", "view new"):
                continue  # a branch user sees one branch anyway
            result.append((persona, name, f"/requests?{query}"))
    for persona in ROLES:
        result += [(persona, "api default", "/api/v1/requests"),
                   (persona, "api status=new", "/api/v1/requests?status=new"),
                   (persona, f"api search {fragment!r}", f"/api/v1/requests?text={fragment}"),
                   (persona, "api sla=overdue", "/api/v1/requests?sla=overdue"),
                   (persona, "api open statuses", f"/api/v1/requests?{OPEN}"),
                   (persona, "api priority urgent+high", "/api/v1/requests?priority=urgent&priority=high"),
                   (persona, "api type + last month", f"/api/v1/requests?{month}"),
                   (persona, "api page 50", "/api/v1/requests?page=50&per_page=25")]
    # Deep in an admin's current requests: by page number, and by the keyset cursor at the same place.
    page, before = deep
    # Kept out of the overall figures, which stay comparable with earlier runs.
    result += [("admin", f"{DEEP}api page {page} x 50", f"/api/v1/requests?page={page}&per_page=50"),
               ("admin", f"{DEEP}api before, same page", f"/api/v1/requests?before={before}&per_page=50")]
    return result


def login(client: Any, username: str) -> None:
    from tests.web.conftest import csrf_token

    client.cookies.clear()
    response = client.post("/login", data={"username": username, "password": _dataset.PASSWORD,
                                           "_csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]


@dataclass(frozen=True)
class Options:
    samples: int
    migrate_to: str | None = None
    detail: bool = False
    only: str = ""
    explain: bool = False


def measure_list(url: str, options: Options) -> tuple[list[View], str]:
    """Every view `samples` times, persona by persona; returns the views and a line on the schema."""
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-web-") as data_dir:
        return _measure_list(Path(data_dir), url, options)


def _measure_list(data_dir: Path, url: str, options: Options) -> tuple[list[View], str]:
    samples, migrate_to = options.samples, options.migrate_to
    settings = load_settings({"data_dir": str(data_dir), "database_url": url}, environ={})
    prepare_data_dir(settings)
    started = time.perf_counter()
    applied = apply_migrations(init_database(url, migrate=False), migrate_to)
    schema = f"schema: migrations up to {db.execute_sql('SELECT MAX(name) FROM schema_migration').fetchone()[0]}"
    if applied:
        schema += f" ({', '.join(applied)} applied to the copy in {time.perf_counter() - started:.1f}s)"
    tokens = {role: people.issue_token(Actor.system("cli"), User.get(User.username == name), "bench").secret
              for role, name in USERNAMES.items()}
    facts = Setting.get_by_id("bench_dataset").value
    anchor, busy = facts["now"][:10], facts["busy_branch"]
    newest = Ticket.select(Ticket.number).where(Ticket.branch == busy).order_by(Ticket.id.desc()).offset(500).get()
    deep = Ticket.select().where(~Ticket.archived).count() * 3 // 4 // 50  # a page 3/4 down the current ones
    current = Ticket.select(Ticket.number).where(Ticket.archived == False).order_by(Ticket.id.desc())  # noqa: E712
    cursor = current.offset((deep - 1) * 50 - 1).get().number  # the last request of the page before it
    plan = [View(p, n, path, []) for p, n, path in views(dt.date.fromisoformat(anchor), busy, newest.number[-5:],
                                                          (deep, cursor))
            if options.only in n or n == ANCHOR]
    app = runtime.build_app(runtime.build_services(settings, with_queue=False))
    clock = ServerClock(app)
    with TestClient(app=app) as client:
        for role in ROLES:
            login(client, USERNAMES[role])
            for view in (v for v in plan if v.persona == role):
                api = view.path.startswith("/api/")
                headers = {"Authorization": f"Bearer {tokens[role]}"} if api else {}
                for attempt in range(WARMUP + samples):
                    cpu = time.process_time()
                    response = client.get(view.path, headers=headers)
                    cpu = time.process_time() - cpu
                    assert response.status_code == 200, (view.path, response.status_code, response.text[:300])
                    if attempt >= WARMUP:
                        view.samples.append(clock.last)
                        view.cpu.append(cpu)
                view.matches = (response.json()["total"] if api else 0 if view.name == ANCHOR
                                else _total(response.text))
                if options.detail:
                    with _statements.probe() as view.probe:
                        client.get(view.path, headers=headers)
        for view in (v for v in plan if v.probe is not None):  # before the app's shutdown closes the pool
            _cost(view, options.explain)
    close_database()
    return plan, schema


def _cost(view: View, explain: bool) -> None:
    """Each probed statement's cost: PostgreSQL replays it under EXPLAIN; SQLite counted as it ran."""
    statements = view.probe.statements
    if is_sqlite():
        view.cost = [(s.steps, s.seconds * 1000) for s in statements]
    else:
        view.cost = [_statements.pg_buffers(s) for s in statements]
    if explain and view.cost:
        worst = statements[max(range(len(view.cost)), key=lambda i: view.cost[i][0])]
        view.plan_text = _statements.sqlite_plan(worst) if is_sqlite() else _statements.pg_plan(worst)


def _total(page: str) -> int:
    match = re.search(r'<h1>[^<]*<span class="muted">(\d+)\+?</span>', page)  # "10000+": capped
    assert match, "no total on the list page"
    return int(match.group(1))


def describe(url: str) -> str:
    init_database(url, migrate=False)
    tickets = Ticket.select().count()
    archived = Ticket.select().where(Ticket.archived).count()
    parts = (f"{tickets:,} requests ({archived / tickets:.0%} archived), {Branch.select().count()} branches, "
             f"{OrderLine.select().count():,} order lines, {Comment.select().count():,} comments, "
             f"{AuditEvent.select().count():,} audit events")
    db.close()
    return parts


def report(plan: list[View]) -> None:
    print(f"  {'persona':12s}{'view':28s}{'matches':>10s}{'p50 ms':>9s}{'p95 ms':>9s}{'CPU ms':>9s}")
    for view in plan:
        p50, p95 = percentiles(view.samples)
        print(f"  {view.persona:12s}{view.name:28s}{view.matches:10,d}{p50 * 1000:9.1f}{p95 * 1000:9.1f}"
              f"{percentiles(view.cpu)[0] * 1000:9.1f}")
    anchor = percentiles([s for v in plan if v.name == ANCHOR for s in v.samples])[0]
    plan = [v for v in plan if v.name != ANCHOR and not v.name.startswith(DEEP)]
    print(f"  anchor: GET /healthz p50 {anchor * 1000:.1f} ms (ratios below: p50 / anchor p50)")
    groups = [("HTML list, all personas", [v for v in plan if not v.path.startswith("/api/")]),
              ("JSON list, all personas", [v for v in plan if v.path.startswith("/api/")])]
    groups += [(f"HTML list, {role}", [v for v in plan if v.persona == role and not v.path.startswith("/api/")])
               for role in ROLES]
    for name, chosen in groups:
        p50, p95 = percentiles([s for v in chosen for s in v.samples])
        cpu = percentiles([s for v in chosen for s in v.cpu])[0]
        worst = max(chosen, key=lambda v: percentiles(v.samples)[1])
        print(f"  overall {name:32s}{'':10s}{p50 * 1000:9.1f}{p95 * 1000:9.1f}{cpu * 1000:9.1f}"
              f"   x{p50 / anchor:.1f} of the anchor   (slowest: {worst.persona} {worst.name})")


def report_detail(plan: list[View], explain: bool, sqlite: bool) -> None:
    unit = "VM steps" if sqlite else "PG buffers"
    print(f"  per page, one probed request each: statements, process CPU ms, {unit} (all statements / the costliest)")
    print(f"  {'persona':12s}{'view':28s}{'stmts':>6s}{'CPU ms':>8s}{unit:>11s}{'max':>9s}  costliest statement")
    for view in (v for v in plan if v.probe is not None and v.name != ANCHOR):
        costs = view.cost or [(0, 0.0)]
        worst = max(range(len(costs)), key=lambda i: costs[i][0]) if view.probe.statements else None
        text = " ".join(view.probe.statements[worst].sql.split())[:90] if worst is not None else ""
        print(f"  {view.persona:12s}{view.name:28s}{len(view.probe.statements):6d}{view.probe.cpu * 1000:8.1f}"
              f"{sum(c[0] for c in costs):11,d}{costs[worst][0] if worst is not None else 0:9,d}  {text}")
        if explain and worst is not None:
            statement = view.probe.statements[worst]
            print(f"      {statement.sql}\n      {statement.params}")
            if view.plan_text:
                print("      " + view.plan_text.replace("\n", "\n      "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    dataset_arguments(parser)
    parser.add_argument("--samples", type=int, default=20, help="timed requests per list view")
    parser.add_argument("--migrate-to", help="measure the list on the schema up to this migration")
    parser.add_argument("--detail", action="store_true", help="statements, CPU, VM steps or buffers per view")
    parser.add_argument("--only", default="", help="only the views whose name contains this")
    parser.add_argument("--explain", action="store_true", help="with --detail: each view's costliest statement")
    args = parser.parse_args()
    options = Options(args.samples, args.migrate_to, args.detail, args.only, args.explain)
    for label, data in each_dataset(args.sizes, args.database, args.cache_dir, args.pg_dsn):
        print(f"  {describe(data.url)}")
        plan, schema = measure_list(data.url, options)
        print(f"  {schema}")
        print(f"requests list, {label}: server time over {args.samples} samples per view")
        report(plan)
        if args.detail:
            report_detail(plan, args.explain, args.database == "sqlite")


if __name__ == "__main__":
    main()
