"""The one database handle: SQLite (embedded default) or PostgreSQL, chosen by URL.

Models bind to `db`, a proxy initialised at start. Connections are per thread (peewee's default),
which is what Litestar's thread pool, huey's worker threads and `asyncio.to_thread` need; each unit
of work gives its connection back (`scope.py`). On PostgreSQL an owner URL may apply the migrations,
so that the running program connects as a role that owns nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase
from psycopg import sql

from helpdesk.db.pool import POOL_SIZE, Pool
from helpdesk.db.writer_queue import FifoLock

db = peewee.DatabaseProxy()

# A table that exists only while a move from SQLite fills this PostgreSQL database (db/pg_copy.py).
MOVE_MARKER = "helpdesk_move_unfinished"

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -16_000,
    # After a checkpoint the WAL file shrinks back to this size instead of keeping its peak.
    "journal_size_limit": 16 * 1024 * 1024,
    # REPLACE's implicit delete fires DELETE triggers too, so it cannot remove a request.
    "recursive_triggers": 1,
}


def open_database(url: str) -> peewee.Database:
    """Build (not yet connect) a peewee database for a `sqlite:///` or `postgresql://` URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):])
        if path != ":memory:":
            path = "/" + path.lstrip("/") if not _is_windows_path(path) else path
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    return Pool(
        unquote(parts.path.lstrip("/")),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or None,
        port=parts.port or None,
        max_connections=POOL_SIZE,
        stale_timeout=300,
        timeout=10,
        prefer_psycopg3=True,
        # No server-side prepared statements: after five runs of a query psycopg prepares it, and PostgreSQL
        # may then keep a generic plan, blind to the values that decide it (archived is 87% true at
        # a million requests; a branch has 0.1% or 3% of them): the requests list's text search went from
        # a bitmap scan of one warehouse (0.05 s) to a full backward scan of the table (0.3 s).
        prepare_threshold=None,
        **_query_options(parts.query),
    )


def _is_windows_path(path: str) -> bool:
    return len(path) > 1 and path[1] == ":"


def _query_options(query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        options[unquote(key)] = unquote(value)
    return options


def init_database(url: str, migrate: bool = True, owner_url: str = "") -> peewee.Database:
    """Point the models at the database of `url`, connect and apply pending migrations.

    With an `owner_url` (PostgreSQL), the migrations run over that connection, which then grants
    the role of `url` the right to read and write rows: never to change or drop the schema, nor to
    TRUNCATE (which would skip the triggers that refuse deleting requests).
    """
    real = open_database(url)
    if migrate and owner_url and owner_url != url and not is_sqlite(real):
        _migrate_as_owner(owner_url, real)
        migrate = False
    db.initialize(real)
    real.connect(reuse_if_open=True)
    if not is_sqlite(real):
        refuse_unfinished_move(real)
    if migrate:
        apply_migrations(real)
    return real


class UnfinishedMove(RuntimeError):
    """The PostgreSQL database holds a move from SQLite that did not finish."""


def refuse_unfinished_move(database: peewee.Database) -> None:
    """Never run on a half-moved database: its tables may lack rows, keys or search documents."""
    if database.execute_sql("SELECT to_regclass(%s::text)", (MOVE_MARKER,)).fetchone()[0] is not None:
        raise UnfinishedMove("this PostgreSQL database holds a move from SQLite that did not finish; "
                             "run the move again (it replaces what is there) or point the program elsewhere")


def _migrate_as_owner(owner_url: str, runtime: peewee.Database) -> None:
    owner = open_database(owner_url)
    runtime_role = runtime.connect_params.get("user") or _current_user(runtime)
    db.initialize(owner)
    try:
        with owner.connection_context():
            apply_migrations(owner)
            grant_rows(owner, runtime_role)
    finally:
        owner.close_all()


def _current_user(database: peewee.Database) -> str:
    with database.connection_context():
        return database.execute_sql("SELECT current_user").fetchone()[0]


def grant_rows(owner: peewee.Database, role: str) -> None:
    """Let `role` select, insert, update and delete rows (the DELETE triggers still guard requests)."""
    schema = owner.execute_sql("SELECT current_schema()").fetchone()[0]
    names = {"schema": sql.Identifier(schema), "role": sql.Identifier(role)}
    for statement in (
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    ):
        owner.execute_sql(sql.SQL(statement).format(**names).as_string(owner.connection()))


def apply_migrations(database: peewee.Database, target: str | None = None) -> list[str]:
    """Apply the numbered migrations in `db/migrations` (all, or up to `target`)."""
    runner = Runner(database, directory=str(MIGRATIONS_DIR), table_name="schema_migration")
    if target is None and all(m.applied for m in runner.status()):
        return []  # nothing to create: a role that owns nothing starts too
    return runner.up(target)


def is_sqlite(database: peewee.Database | None = None) -> bool:
    target = database or db.obj
    return isinstance(target, peewee.SqliteDatabase)


# SQLite has one writer. Its busy handler polls with sleeps growing to 100 ms, so a writer may sleep
# long after the lock came free, and the last to arrive may be the first served: under 32 writers the
# tail grows to seconds. This process's writers queue here instead and are handed the lock at once, in
# arrival order; the busy handler then only waits for other processes (the CLI, a second server).
_sqlite_writers = FifoLock()
WRITER_WAIT_SECONDS = SQLITE_PRAGMAS["busy_timeout"] / 1000


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that will write; keep it short (reads that need no lock go before it).

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that reads
    first and writes later fails at once with "database is locked" under WAL instead of waiting.
    """
    if db.in_transaction():
        with db.atomic():
            yield
        return
    if is_sqlite():
        # A writer that waited its whole busy timeout goes on to SQLite's own wait rather than fail here.
        queued = _sqlite_writers.acquire(timeout=WRITER_WAIT_SECONDS)
        try:
            with db.atomic(lock_type="IMMEDIATE"):
                yield
        finally:
            if queued:
                _sqlite_writers.release()
    else:
        with db.atomic():
            yield


def refresh_statistics(tables: tuple[str, ...] = ()) -> None:
    """Bring the query planner's statistics up to date for `tables` (all tables when empty).

    SQLite never gathers statistics by itself: without `sqlite_stat1` it guesses every index equally
    selective and may walk the requests by a low-cardinality index (archived, priority) instead of the
    one that answers the page. Its ANALYZE holds the write lock while it reads, ~20 s for a million
    requests, so it goes one index at a time, each its own short write (a sampled `analysis_limit`
    would be quicker but counted 634,680 requests per value of `archived`, a worse guess than none).
    PostgreSQL's autovacuum keeps its own; after an import the touched tables are analyzed at once.
    """
    if not is_sqlite():
        if tables:
            db.execute_sql("ANALYZE " + ", ".join(f'"{name}"' for name in tables))
        return
    names = tables or tuple(row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
    for table in names:
        indexes = [row[1] for row in db.execute_sql(f'PRAGMA index_list("{table}")')]
        for target in indexes or [table]:  # a table without indexes still gets its row count
            with write_transaction():
                db.execute_sql(f'ANALYZE "{target}"')


def tables_without_statistics() -> tuple[str, ...]:
    """SQLite's tables that no ANALYZE has counted yet (all of a new database's; none on PostgreSQL)."""
    if not is_sqlite():
        return ()
    known = "SELECT tbl FROM sqlite_stat1" if db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() else "SELECT NULL WHERE 0"
    return tuple(row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        f"AND name NOT IN ({known})"))


def checkpoint_wal() -> None:
    """SQLite: copy the WAL into the database and truncate it to zero bytes (no-op on PostgreSQL).

    Autocheckpoints never shrink the file, and under steady load they can keep failing to reach its
    end; a periodic TRUNCATE checkpoint keeps the WAL small.
    """
    if db.obj is not None and is_sqlite():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def close_database() -> None:
    if db.obj is not None:
        if isinstance(db.obj, PooledPostgresqlDatabase):
            db.obj.close_all()
        elif not db.obj.is_closed():
            db.obj.close()
