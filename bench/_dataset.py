"""A large, believable helpdesk database for the benchmarks, built once per size and engine and cached.

The schema comes from the project's migrations; rows go in as bulk inserts in chunks inside
transactions (executemany on SQLite, COPY on PostgreSQL) with the secondary indexes and the search
triggers dropped, then the indexes and every search document are written once, rather than through
`tickets.create` (which takes a counter lock, does SLA maths, an audit
event and outbox notices per request: hours for a million). Shape: ~300 branches under six warehouses of
unequal size, every type and status, three years of growing load on working days, order lines for
cartridge requests, comments on about a third, audit events, and the default archive policy applied.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import _common  # noqa: F401 - puts the repository on sys.path
import peewee as pw

from helpdesk.business_time import Calendar, business_minutes_between
from helpdesk.core import people
from helpdesk.core.lifecycle import TERMINAL_STATUSES
from helpdesk.db import pg_search_documents
from helpdesk.db.database import close_database, db, init_database
from helpdesk.db.models import (
    AuditEvent,
    Branch,
    CartridgeModel,
    Comment,
    JSONText,
    OrderLine,
    Printer,
    PrinterModel,
    Setting,
    SlaPolicy,
    Ticket,
    TicketCounter,
    TicketType,
    User,
    Warehouse,
)
from tests.support.postgres import PgServer

DATA_VERSION = 3  # bump when the generated rows change, so old caches are not reused
SEED = 1_000_003
YEARS = 3
PASSWORD = "bench password 1"
PERSONAS = ("bench-admin", "bench-store", "bench-branch")  # admin; the busiest branch and its warehouse
WAREHOUSE_BRANCHES = (90, 70, 55, 40, 25, 20)  # 300 branches, unevenly served
TYPE_WEIGHTS = {"cartridges": 55, "repair": 14, "maintenance": 8, "it_help": 18, "other": 5}
PRIORITY_WEIGHTS = {"normal": 70, "low": 10, "high": 15, "urgent": 5}
CHANNEL_WEIGHTS = {"bot": 45, "web": 35, "miniapp": 15, "api": 5}
# Status mix by age: today's requests are still open; older ones are mostly closed, a few stuck.
STATUS_BY_AGE = (
    (1, {"new": 45, "accepted": 25, "in_progress": 25, "cancelled": 5}),
    (7, {"new": 5, "accepted": 10, "in_progress": 20, "resolved": 25, "closed": 35, "rejected": 3, "cancelled": 2}),
    (90, {"in_progress": 2, "resolved": 8, "closed": 80, "rejected": 5, "cancelled": 5}),
    (None, {"new": 0.1, "in_progress": 0.4, "resolved": 1.5, "closed": 88, "rejected": 5, "cancelled": 5}),
)
ARCHIVE_AFTER = dt.timedelta(days=90)  # tickets.DEFAULT_ARCHIVE_POLICY
PROBLEMS = (
    "Заканчивается тонер в принтере {inv}, нужна замена",
    "Принтер {inv} печатает полосами",
    "Замятие бумаги в принтере у кассы",
    "Не работает сканер, кабинет {room}",
    "Компьютер в кабинете {room} не включается",
    "Не открывается почта, ошибка при входе",
    "Нужно подключить новый рабочий ноутбук",
    "Плановое обслуживание МФУ {inv}",
    "Mail client does not start",
    "Printer {inv} shows error E{code}",
    "Телефон в кабинете {room} без гудка",
    "Нет доступа к общей папке отдела",
)
COMMENTS = ("Уточните номер кабинета, пожалуйста", "Картридж отправлен с курьером", "Спасибо, всё работает",
            "Мастер приедет завтра до обеда", "Проверили, проблема в кабеле", "Ждём запчасть от поставщика")


@dataclass(frozen=True)
class Dataset:
    url: str  # the working copy: safe to write to
    build_seconds: float | None  # None when the cache was reused
    cleanup: Callable[[], None]


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def prepare(engine: str, size: int, cache_dir: Path, pg_dsn: str | None) -> Dataset:
    """A working copy of the cached database with `size` requests; builds the cache on first use."""
    if engine == "sqlite":
        return _prepare_sqlite(size, cache_dir)
    return _prepare_postgres(size, pg_dsn)


def _prepare_sqlite(size: int, cache_dir: Path) -> Dataset:
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"helpdesk-{size_label(size)}-v{DATA_VERSION}.db"
    took = None
    if not cached.exists():
        building = cached.with_suffix(".building")
        for leftover in cache_dir.glob(building.name + "*"):
            leftover.unlink()
        took = build(f"sqlite:///{building}", size)
        building.rename(cached)  # only a finished build becomes the cache
    work = cache_dir / f"run-{os.getpid()}"
    work.mkdir(exist_ok=True)
    shutil.copyfile(cached, work / "helpdesk.db")
    return Dataset(f"sqlite:///{work / 'helpdesk.db'}", took, lambda: shutil.rmtree(work, ignore_errors=True))


def _prepare_postgres(size: int, pg_dsn: str | None) -> Dataset:
    from tests.support.postgres import get_pg_server

    server = PgServer(pg_dsn) if pg_dsn else get_pg_server()
    if server is None:
        raise SystemExit("no PostgreSQL server available (pass --pg-dsn)")
    cached = f"hd_bench_{size_label(size).lower()}_v{DATA_VERSION}"
    took = None
    if not _pg_exists(server, cached):
        building = cached + "_building"
        server.drop_database(building)
        took = build(server.create_database(building), size)
        with server._connect() as conn:
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{cached}"')
    work = f"hd_bench_run_{os.getpid()}"
    server.drop_database(work)
    url = server.create_database(work, template=cached)
    return Dataset(url, took, lambda: server.drop_database(work))


def _pg_exists(server: PgServer, name: str) -> bool:
    with server._connect() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


# --- building ------------------------------------------------------------------------------------

@dataclass
class Org:
    warehouses: list[int]
    branches: list[tuple[int, int]]  # (branch id, warehouse id)
    branch_weights: list[float]
    busiest: tuple[int, int]
    branch_users: dict[int, list[int]]
    branch_printers: dict[int, list[int]]
    storekeepers: dict[int, list[int]]
    admins: list[int]
    cartridges: list[int]
    types: dict[str, tuple[int, int]]  # code: (id, resolve minutes)


def build(url: str, size: int) -> float:
    """Migrate an empty database at `url` and fill it; returns the seconds it took."""
    started = time.perf_counter()
    database = init_database(url)
    sqlite = isinstance(database, pw.SqliteDatabase)
    if sqlite:  # a throwaway file until renamed: durability buys nothing here
        database.execute_sql("PRAGMA synchronous = OFF")
        database.execute_sql("PRAGMA journal_mode = OFF")
        database.execute_sql("PRAGMA cache_size = -400000")
    else:
        database.execute_sql("SET synchronous_commit = off")
        database.execute_sql("SET maintenance_work_mem = '256MB'")
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    org = _make_org(rng)
    created = _timeline(size, now, rng)
    counters: dict[int, int] = {}
    done = 0
    triggers = _drop_triggers(database)
    indexes = _drop_indexes(database)
    for chunk_start in range(0, size, 5000):
        chunk = created[chunk_start:chunk_start + 5000]
        tickets, lines, comments, events = _rows(rng, org, now, chunk, chunk_start + 1, counters)
        with db.atomic():
            _insert(Ticket, tickets)
            _insert(OrderLine, lines)
            _insert(Comment, comments)
            _insert(AuditEvent, events)
        done += len(chunk)
        if done % 100_000 == 0:
            print(f"    … {done:,} requests ({time.perf_counter() - started:.0f}s)", flush=True)
    _step(started, "loaded")
    search_indexes = [statement for statement in indexes if "ticket_search" in statement]
    for statement in indexes:
        if statement not in search_indexes:
            database.execute_sql(statement)
    _step(started, "indexed")
    if not sqlite:  # without statistics the documents' join of comments is planned as a loop per request
        database.execute_sql("ANALYZE")
    with db.atomic():  # every request's search document at once, as the triggers would have written them
        database.execute_sql(_search_documents(sqlite))
    for statement in search_indexes + triggers:
        database.execute_sql(statement)
    _step(started, "search index")
    with db.atomic():
        TicketCounter.insert_many([(year, last) for year, last in counters.items()],
                                  fields=[TicketCounter.year, TicketCounter.last]).execute()
        Setting.create(key="bench_dataset", value={"size": size, "version": DATA_VERSION, "now": now,
                                                   "busy_branch": org.busiest[0]})
    if sqlite:
        database.execute_sql("ANALYZE")
        database.execute_sql("PRAGMA journal_mode = WAL")  # what the application expects to find
    else:  # what autovacuum would have done by the time anyone looks at the list
        database.execute_sql("SELECT setval(pg_get_serial_sequence('ticket', 'id'), (SELECT MAX(id) FROM ticket))")
        database.execute_sql("VACUUM ANALYZE")
    close_database()
    _step(started, "done")
    return time.perf_counter() - started


def _step(started: float, what: str) -> None:
    print(f"    {what} ({time.perf_counter() - started:.0f}s)", flush=True)


_SEARCH = importlib.import_module("helpdesk.db.migrations.0013_request_search")


def _drop_triggers(database: pw.Database) -> list[str]:
    """Drop the insert-time triggers and return their DDL to re-create them after the load.

    The search triggers rebuild a request's document on every ticket and comment row loaded (a query per
    row, and a delete and insert into the full-text index per comment): one INSERT ... SELECT after the
    load writes the same documents in a fraction of the time. The refuse-replace guards look the row up
    by id and number, which with the indexes dropped is a scan per row; fresh ids cannot replace anything.
    """
    wanted = f"(name LIKE {database.param} OR name LIKE {database.param})"
    patterns = ("ticket_search_%", "%_refuse_replace")
    if isinstance(database, pw.SqliteDatabase):
        rows = database.execute_sql(f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                    f"AND {wanted}", patterns).fetchall()
    else:
        rows = database.execute_sql(f"SELECT name, pg_get_triggerdef(oid), tgrelid::regclass::text FROM "
                                    f"(SELECT tgname AS name, * FROM pg_trigger WHERE NOT tgisinternal) t "
                                    f"WHERE {wanted}", patterns).fetchall()
    # main_doc's trigger stays: it fills a NOT NULL column of the documents written after the load.
    rows = [row for row in rows if row[0] != "ticket_search_main_doc"]
    for name, _, table in rows:
        on = "" if isinstance(database, pw.SqliteDatabase) else f" ON {table}"
        database.execute_sql(f'DROP TRIGGER "{name}"{on}')
    return [statement for _, statement, _ in rows]


def _search_documents(sqlite: bool) -> str:
    """The migration's own statement that writes the documents, for every request."""
    if sqlite:
        return _SEARCH._sqlite_document("1")
    return pg_search_documents.BUILD  # the move's set-wise statement: equal documents, each built once


def _drop_indexes(database: pw.Database) -> list[str]:
    """Drop the secondary indexes of the bulk-loaded tables and return their own DDL to re-create them
    after the load: the schema ends exactly as the migrations made it, and building an index once from
    sorted data is several times cheaper than growing it row by row."""
    tables = ", ".join(f"'{name}'" for name in [model._meta.table_name
                                                for model in (Ticket, OrderLine, Comment, AuditEvent)]
                       + ["ticket_search"])
    if isinstance(database, pw.SqliteDatabase):
        rows = database.execute_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                    f"AND tbl_name IN ({tables})").fetchall()
    else:  # indexes behind constraints (primary keys) stay
        rows = database.execute_sql(f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                                    f"AND tablename IN ({tables}) AND indexname NOT IN "
                                    f"(SELECT conname FROM pg_constraint)").fetchall()
    for name, _ in rows:
        database.execute_sql(f'DROP INDEX "{name}"')
    return [statement for _, statement in rows]


def _insert(model: type[pw.Model], rows: list[dict]) -> None:
    """Bulk-insert rows through the driver's own bulk path.

    peewee's insert_many renders every value of a multi-row INSERT through its query builder (~30 µs
    each): a quarter of an hour for a million requests. SQLite takes insert_many's one-row statement
    through executemany; PostgreSQL takes COPY, as executemany there is still a statement per row.
    """
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    # Drivers take ints, strings, booleans and datetimes as they are; only JSON needs the field's encoding.
    json_fields = [(i, field.db_value) for i, field in enumerate(fields) if isinstance(field, JSONText)]
    values = [list(row.values()) for row in rows]
    for row in values:
        for i, to_db in json_fields:
            row[i] = to_db(row[i])
    if isinstance(db.obj, pw.SqliteDatabase):
        sql, _ = model.insert_many([values[0]], fields=fields).returning().sql()
        db.cursor().executemany(sql, values)
        return
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    with db.cursor().copy(f'COPY "{model._meta.table_name}" ({columns}) FROM STDIN') as copy:
        for row in values:
            copy.write_row(row)


def _weighted(rng: random.Random, weights: dict[str, float]) -> Iterator[str]:
    keys, values = list(weights), list(weights.values())
    while True:
        yield from rng.choices(keys, values, k=1000)


def _make_org(rng: random.Random) -> Org:
    resolve = {p.ticket_type_id: p.resolve_minutes for p in SlaPolicy.select()}
    org = Org([], [], [], (0, 0), {}, {}, {}, [], [], {t.code: (t.id, resolve.get(t.id, 480)) for t in TicketType.select()})
    with db.atomic():
        number = 0
        for w, count in enumerate(WAREHOUSE_BRANCHES, 1):
            warehouse = Warehouse.create(code=f"W{w}", name=f"Склад {w}", address=f"Промзона, корпус {w}")
            org.warehouses.append(warehouse.id)
            keepers = [User.create(display_name=f"Кладовщик {w}-{k}", role="storekeeper", warehouse=warehouse,
                                   telegram_id=2_000_000 + w * 10 + k) for k in (1, 2)]
            org.storekeepers[warehouse.id] = [u.id for u in keepers]
            for _ in range(count):
                number += 1
                branch = Branch.create(code=f"B{number:03d}", name=f"Филиал {number:03d}",
                                       address=f"ул. Ленина, {number}", warehouse=warehouse)
                org.branches.append((branch.id, warehouse.id))
        admins = [User.create(display_name=f"Администратор {a}", role="admin", telegram_id=1_000_000 + a)
                  for a in (1, 2, 3)]
        org.admins = [u.id for u in admins]
        models = [PrinterModel.create(name=f"Printer model {m}", vendor=("HP", "Canon", "Kyocera", "Brother")[m % 4])
                  for m in range(20)]
        org.cartridges = [CartridgeModel.create(name=f"Cartridge {c}", vendor="HP", article=f"CE{c:03d}A").id
                          for c in range(40)]
        for branch_id, _ in org.branches:
            users = [User.create(display_name=f"Сотрудник {branch_id}-{u}", role="branch", branch=branch_id,
                                 telegram_id=3_000_000 + branch_id * 10 + u) for u in (1, 2)]
            org.branch_users[branch_id] = [u.id for u in users]
            org.branch_printers[branch_id] = [
                Printer.create(branch=branch_id, model=rng.choice(models), inventory_number=f"INV-{branch_id}-{p}",
                               location=f"Кабинет {p}").id for p in range(rng.randint(1, 3))]
        # Load follows a long tail, a few big branches and many small ones, spread over the warehouses.
        ranks = list(range(len(org.branches)))
        rng.shuffle(ranks)
        org.branch_weights = [1 / (rank + 10) for rank in ranks]
        org.busiest = org.branches[ranks.index(0)]
        digest = people.hash_password(PASSWORD)
        busiest, w1 = org.busiest
        for username, role, extra, team in (
                ("bench-admin", "admin", {}, org.admins),
                ("bench-store", "storekeeper", {"warehouse": w1}, org.storekeepers[w1]),
                ("bench-branch", "branch", {"branch": busiest}, org.branch_users[busiest])):
            user = User.create(display_name=username, username=username, role=role, password_hash=digest, **extra)
            team.append(user.id)
    return org


def _timeline(size: int, now: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    """Creation times over YEARS, load growing (the last day twice the first), mostly working days."""
    days = 365 * YEARS
    start = (now - dt.timedelta(days=days)).replace(hour=0, minute=0, second=0)
    result: list[dt.datetime] = []
    while len(result) < size:
        day = int(((1 + 3 * rng.random()) ** 0.5 - 1) * days)  # inverse CDF of a linear ramp
        when = start + dt.timedelta(days=day)
        if when.weekday() >= 5 and rng.random() < 0.85:
            continue
        seconds = min(max(rng.gauss(10.5, 2.5), 3.0), 20.0) * 3600  # UTC hours: a Moscow working day
        stamp = when + dt.timedelta(seconds=seconds, microseconds=rng.randrange(1_000_000))
        if stamp < now:
            result.append(stamp)
    result.sort()
    return result


def _rows(rng: random.Random, org: Org, now: dt.datetime, created: list[dt.datetime], first_id: int,
          counters: dict[int, int]) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    types, priorities, channels = (_weighted(rng, TYPE_WEIGHTS), _weighted(rng, PRIORITY_WEIGHTS),
                                   _weighted(rng, CHANNEL_WEIGHTS))
    picks = rng.choices(org.branches, org.branch_weights, k=len(created))
    tickets, lines, comments, events = [], [], [], []
    for offset, (at, (branch_id, warehouse_id)) in enumerate(zip(created, picks, strict=True)):
        ticket_id = first_id + offset
        counters[at.year] = counters.get(at.year, 0) + 1
        number = f"{at.year}-{counters[at.year]:06d}"
        code = next(types)
        type_id, resolve_minutes = org.types[code]
        status = _status(rng, (now - at).total_seconds() / 86400)
        stamps = _stamps(rng, status, at, now)
        author = rng.choice(org.branch_users[branch_id])
        staff = org.admins if rng.random() < 0.05 else org.storekeepers[warehouse_id]
        assignee = rng.choice(staff) if "accepted_at" in stamps else None
        terminal_at = stamps.get("closed_at") or stamps.get("rejected_at") or stamps.get("cancelled_at")
        archived_at = terminal_at + ARCHIVE_AFTER + dt.timedelta(hours=3) if (
            status in TERMINAL_STATUSES and terminal_at + ARCHIVE_AFTER + dt.timedelta(hours=3) < now) else None
        printers = org.branch_printers[branch_id]
        printer = rng.choice(printers) if code in ("cartridges", "repair", "maintenance") and rng.random() < 0.7 \
            else None
        accept_due = at + dt.timedelta(hours=1)
        tickets.append({
            "id": ticket_id, "number": number, "type": type_id, "branch": branch_id, "warehouse": warehouse_id,
            "author": author, "assignee": assignee, "priority": next(priorities),
            "description": rng.choice(PROBLEMS).format(inv=f"INV-{branch_id}-{rng.randrange(3)}",
                                                       room=rng.randint(1, 40), code=rng.randint(10, 99)),
            "printer": printer, "asset": "", "status": status, "channel": next(channels),
            "reject_reason": "Дубликат заявки" if status == "rejected" else "",
            "created_at": at, "updated_at": max(stamps.values(), default=at),
            "accepted_at": stamps.get("accepted_at"), "started_at": stamps.get("started_at"),
            "resolved_at": stamps.get("resolved_at"), "closed_at": stamps.get("closed_at"),
            "rejected_at": stamps.get("rejected_at"), "cancelled_at": stamps.get("cancelled_at"),
            "accept_due_at": accept_due, "resolve_due_at": at + dt.timedelta(minutes=resolve_minutes),
            "sla_level": 2 if status == "new" and accept_due < now - dt.timedelta(hours=2) else 0,
            "resolve_sla_level": 0,
            # Lead times as the lifecycle stores them (migration 0018): the reports read these.
            "accept_minutes": _lead(at, stamps.get("accepted_at")),
            "resolve_minutes": _lead(at, stamps.get("resolved_at")),
            "archived": archived_at is not None, "archived_at": archived_at,
        })
        if code == "cartridges":
            for cartridge in rng.sample(org.cartridges, rng.choices((1, 2, 3), (70, 22, 8))[0]):
                lines.append({"ticket": ticket_id, "cartridge": cartridge, "quantity": rng.randint(1, 4)})
        events.append(_event(ticket_id, number, author, "create", at, {"status": "new", "type": code}))
        last = max(stamps.items(), key=lambda item: item[1], default=None)
        if last is not None:
            action = {"accepted_at": "accept", "started_at": "start", "resolved_at": "resolve",
                      "closed_at": "confirm", "rejected_at": "reject", "cancelled_at": "cancel"}[last[0]]
            events.append(_event(ticket_id, number, assignee or author, action, last[1], {"status": status}))
        if archived_at is not None:
            events.append(_event(ticket_id, number, None, "archive", archived_at, {"archived": True}))
        if rng.random() < 0.35:
            span = max((max(stamps.values(), default=at) - at).total_seconds(), 60)
            for _ in range(rng.randint(1, 3)):
                internal = assignee is not None and rng.random() < 0.2
                comments.append({"ticket": ticket_id, "author": assignee if internal else rng.choice((author,
                                 assignee or author)), "body": rng.choice(COMMENTS), "internal": internal,
                                 "channel": "web", "created_at": at + dt.timedelta(seconds=rng.uniform(30, span))})
    return tickets, lines, comments, events


_CALENDAR = Calendar()


def _lead(start: dt.datetime, end: dt.datetime | None) -> int | None:
    return None if end is None else business_minutes_between(start, end, _CALENDAR)


def _event(ticket_id: int, number: str, actor: int | None, action: str, at: dt.datetime, after: dict) -> dict:
    return {"ticket": ticket_id, "actor": actor, "channel": "web" if actor else "system", "action": action,
            "entity": "ticket", "entity_id": number, "before": None, "after": after, "created_at": at}


def _status(rng: random.Random, age_days: float) -> str:
    for limit, weights in STATUS_BY_AGE:
        if limit is None or age_days < limit:
            return rng.choices(list(weights), list(weights.values()))[0]
    raise AssertionError("unreachable")


def _stamps(rng: random.Random, status: str, created: dt.datetime, now: dt.datetime) -> dict[str, dt.datetime]:
    """The lifecycle timestamps a request in `status` has, each after the previous and none in the future."""
    def after(start: dt.datetime, mean_hours: float) -> dt.datetime:
        return min(start + dt.timedelta(hours=rng.expovariate(1 / mean_hours)), now)

    if status == "new":
        return {}
    if status == "cancelled":
        return {"cancelled_at": after(created, 3)}
    if status == "rejected":
        return {"rejected_at": after(created, 1)}
    stamps = {"accepted_at": after(created, 0.7)}
    path = ("accepted", "in_progress", "resolved", "closed")
    if path.index(status) >= 1:
        stamps["started_at"] = after(stamps["accepted_at"], 2)
    if path.index(status) >= 2:
        stamps["resolved_at"] = after(stamps["started_at"], 20)
    if status == "closed":
        stamps["closed_at"] = after(stamps["resolved_at"], 24)
    return stamps
