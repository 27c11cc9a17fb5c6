"""Copy a SQLite database into PostgreSQL and prove the copy: the engine under the "move" (core/db_move.py).

One transaction on the target does everything: the schema from the application's own migrations, the rows
by COPY in dependency order, the sequences, the indexes, the search documents and the verification. Any
failure rolls it all back, so the target is left as it was and nothing else changes.

Verification: both sides render every row as the same canonical text (COPY's text format, with booleans as
t/f and timestamps with six fraction digits). SQLite renders it in SQL and this process hashes each line
while it streams to COPY; PostgreSQL renders its stored rows the same way and sums the hashes itself. A
table matches when the row counts and the sums of the first 8 bytes of every row's MD5 are equal.

The search documents and their GIN indexes (a third of the time at a million requests) are built inside
the transaction too, not after the switch: deferred, every search would miss the older requests for
minutes, the build would have to survive a restart, and a GIN index built outside the transaction either
blocks every write to requests and comments (the search triggers) or, built CONCURRENTLY, reads the table
twice. The move runs once, with writes paused anyway; the program it switches to is complete.
Each GIN index is built once over the filled table (never grown row by row) and its time is the heap scan
that extracts every tsvector's lexemes: at a million requests, 64MB, 256MB and 1GB of maintenance_work_mem
give the same 10-12 s per index on the bench database (bench/migrate.py --size 1M).
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from hashlib import md5
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee
import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from helpdesk.db import pg_search_documents
from helpdesk.db.database import apply_migrations
from helpdesk.db.pg_canonical import pg_value, sqlite_line

# Rebuilt from the copied rows instead of copied (SQLite keeps them in an FTS5 table of another shape).
DERIVED = {"ticket_search": pg_search_documents.BUILD}
SKIPPED = {"schema_migration", *DERIVED}
BATCH_BYTES = 1 << 20  # what goes to COPY at a time: memory stays bounded whatever the table's size
REPORT_EVERY = 0.25  # seconds between progress reports


class CopyError(Exception):
    """A failure of the move, as `kind` (what the operator is told) and a detail for the log/report."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Target:
    server_version: str
    database: str
    user: str
    can_create: bool
    tables: int  # tables already in the target's schema: 0 = empty
    utf8: bool

    @property
    def empty(self) -> bool:
        return self.tables == 0


@dataclass(frozen=True)
class Progress:
    phase: str  # schema, copy, index, verify, done
    table: str = ""
    table_done: int = 0
    table_total: int = 0
    done: int = 0  # rows copied over all tables
    total: int = 0
    rate: float = 0.0  # rows per second so far
    eta: float | None = None  # seconds left, when it can be told

    @property
    def percent(self) -> float:
        return 100.0 if self.phase == "done" else (100.0 * self.done / self.total if self.total else 0.0)


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    target_rows: int
    checksum: int
    target_checksum: int

    @property
    def ok(self) -> bool:
        return self.rows == self.target_rows and self.checksum == self.target_checksum


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCheck, ...]
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


OnProgress = Callable[[Progress], None]


# --- connecting -----------------------------------------------------------------------------------

def connect_kwargs(url: str) -> dict[str, object]:
    """psycopg connection arguments from a postgresql:// URL (its query options included)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise CopyError("bad_dsn", "use postgresql://user:password@host:port/database")
    kwargs: dict[str, object] = {"dbname": unquote(parts.path.lstrip("/")), "connect_timeout": 10}
    try:
        port = parts.port
    except ValueError:
        raise CopyError("bad_dsn", "the port is not a number") from None
    for key, value in (("user", parts.username), ("password", parts.password), ("host", parts.hostname),
                       ("port", port)):
        if value:
            kwargs[key] = unquote(value) if isinstance(value, str) else value
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        kwargs[unquote(key)] = unquote(value)
    return kwargs


def _open_target(url: str) -> peewee.PostgresqlDatabase:
    kwargs = connect_kwargs(url)
    database = peewee.PostgresqlDatabase(kwargs.pop("dbname"), prefer_psycopg3=True, autoconnect=False,
                                         prepare_threshold=None, **kwargs)
    try:
        database.connect()
    except peewee.OperationalError as exc:
        raise CopyError("unreachable", _first_line(exc, url)) from None
    return database


def inspect_target(url: str) -> Target:
    """Server version, rights and emptiness of the target, without changing anything."""
    database = _open_target(url)
    try:
        row = database.execute_sql(
            "SELECT current_setting('server_version'), current_database(), current_user, "
            "coalesce(has_schema_privilege(current_schema(), 'CREATE'), false), "
            "(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()), "
            "current_setting('server_encoding') = 'UTF8'").fetchone()
    except peewee.DatabaseError as exc:
        raise CopyError("unreachable", _first_line(exc, url)) from None
    finally:
        database.close()
    return Target(row[0], row[1], row[2], bool(row[3]), int(row[4]), bool(row[5]))


def _first_line(exc: BaseException, url: str) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    password = urlsplit(url).password
    return text.replace(unquote(password), "***") if password else text


# --- the copy ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)
    rows: int = 0


def copy_database(sqlite_path: Path, url: str, overwrite: bool = False,
                  on_progress: OnProgress | None = None) -> CopyReport:
    """Copy the SQLite database at `sqlite_path` into the PostgreSQL database of `url` and verify it.

    Raises CopyError, and leaves the target as it was, when anything fails: the target is not empty
    (unless `overwrite`: then every table in its schema is dropped first), the role may not create tables,
    the connection is lost, the server refuses a statement, or a table differs after the copy.
    """
    report = on_progress or (lambda progress: None)
    target = inspect_target(url)
    if not target.utf8:
        raise CopyError("not_utf8", target.database)
    if not target.can_create:
        raise CopyError("no_rights", f"{target.user} on {target.database}")
    if not target.empty and not overwrite:
        raise CopyError("not_empty", f"{target.tables} tables in {target.database}")
    started = time.monotonic()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True, isolation_level=None,
                             check_same_thread=False)  # one reader thread at a time (_read_ahead)
    database = _open_target(url)
    try:
        source.execute("BEGIN")  # one snapshot of the source for the whole copy
        with database.atomic():
            report(Progress("schema"))
            if overwrite:
                _drop_everything(database)
            _check_migrations(source, database)
            tables = _plan(source, database)
            foreign_keys = _drop_foreign_keys(database)
            indexes = _drop_keys(database) + _drop_indexes(database)
            copied = _copy_tables(source, database, tables, report, started)
            report(Progress("index", done=sum(t.rows for t in tables), total=sum(t.rows for t in tables)))
            _finish(database, [t.name for t in tables], indexes, foreign_keys)
            report(Progress("verify", done=sum(t.rows for t in tables), total=sum(t.rows for t in tables)))
            checks = [_verify(database, table, rows, checksum) for table, rows, checksum in copied]
            bad = [c.table for c in checks if not c.ok]
            if bad:
                raise CopyError("mismatch", ", ".join(bad))
    except CopyError:
        raise
    except pg_errors.InsufficientPrivilege as exc:
        raise CopyError("no_rights", _first_line(exc, url)) from None
    except pg_errors.QueryCanceled as exc:
        raise CopyError("cancelled", _first_line(exc, url)) from None
    except (pg_errors.DiskFull, pg_errors.OutOfMemory, pg_errors.ProgramLimitExceeded) as exc:
        raise CopyError("no_space", _first_line(exc, url)) from None
    except (psycopg.OperationalError, peewee.OperationalError, peewee.InterfaceError) as exc:
        raise CopyError("connection_lost", _first_line(exc, url)) from None
    except (psycopg.Error, peewee.DatabaseError) as exc:
        raise CopyError("refused", _first_line(exc, url)) from None
    except sqlite3.Error as exc:
        raise CopyError("source", str(exc)) from None
    finally:
        source.close()
        # A connection already gone is fine: the server rolled the transaction back.
        with contextlib.suppress(peewee.DatabaseError, psycopg.Error):
            database.close()
    rows = sum(c.rows for c in checks)
    result = CopyReport(tuple(checks), rows, time.monotonic() - started)
    report(Progress("done", done=rows, total=rows, rate=result.rate, eta=0))
    return result


def _drop_everything(database: peewee.PostgresqlDatabase) -> None:
    names = [r[0] for r in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
    if names:
        database.execute_sql(sql.SQL("DROP TABLE {} CASCADE").format(
            sql.SQL(", ").join(map(sql.Identifier, names))).as_string(database.connection()))
    for (signature,) in database.execute_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
            "AND left(p.proname, 8) = 'helpdesk'").fetchall():
        database.execute_sql(f"DROP FUNCTION {signature} CASCADE")


def _check_migrations(source: sqlite3.Connection, database: peewee.PostgresqlDatabase) -> None:
    """Create the schema with the application's migrations; the source must have exactly the same ones."""
    apply_migrations(database)
    ours = {r[0] for r in source.execute("SELECT name FROM schema_migration")}
    theirs = {r[0] for r in database.execute_sql("SELECT name FROM schema_migration").fetchall()}
    if ours != theirs:
        raise CopyError("schema", "the SQLite database has other migrations: "
                        + ", ".join(sorted(ours ^ theirs)))


def _plan(source: sqlite3.Connection, database: peewee.PostgresqlDatabase) -> list[_Table]:
    """The tables to copy, parents before children, with their columns and row counts."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in database.execute_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall():
        columns.setdefault(table, []).append((column, data_type))
    parents: dict[str, set[str]] = {name: set() for name in columns if name not in SKIPPED}
    for child, parent in database.execute_sql(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace").fetchall():
        child, parent = child.strip('"'), parent.strip('"')
        if child in parents and parent != child:
            parents[child].add(parent)
    present = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(set(parents) - present)
    if missing:
        raise CopyError("schema", "the SQLite database has no table " + ", ".join(missing))
    ordered: list[_Table] = []
    done: set[str] = set()
    while len(done) < len(parents):
        ready = sorted(name for name, needs in parents.items() if name not in done and needs <= done)
        if not ready:
            raise CopyError("schema", "circular references between " + ", ".join(sorted(set(parents) - done)))
        for name in ready:
            rows = source.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            ordered.append(_Table(name, tuple(columns[name]), rows))
            done.add(name)
    return ordered


def _copy_tables(source: sqlite3.Connection, database: peewee.PostgresqlDatabase, tables: list[_Table],
                 report: OnProgress, started: float) -> list[tuple[str, int, int]]:
    conn = database.connection()
    names = [t.name for t in tables] + [name for name in DERIVED]
    for name in names:  # no per-row triggers while copying: the search documents are built once at the end
        conn.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(name)))
    # Rows the migrations wrote (request types, the calendar) make way for the source's own.
    conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, names))))
    total = sum(t.rows for t in tables)
    done = 0
    last = 0.0
    results = []
    for table in tables:
        # FREEZE: the table was created (and emptied) in this transaction, so its rows may be written as
        # already visible to all; the index builds, checks and verification that read them later skip the
        # per-row visibility work. Should the transaction fail, the rows go with it as any others.
        copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
            sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c, _ in table.columns))
        checksum = 0
        count = 0
        chunks = _read_ahead(source, f'SELECT {sqlite_line(list(table.columns))} FROM "{table.name}"')
        with contextlib.closing(chunks), conn.cursor() as cursor, cursor.copy(copy) as pipe:
            buffer: list[bytes] = []
            size = 0
            for rows in chunks:
                lines = [line.encode() for (line,) in rows]
                # Each row's hash, as _verify sums them: the first 8 bytes of its MD5 as a signed integer.
                digests = b"".join([md5(line).digest()[:8] for line in lines])
                checksum += sum(struct.unpack(f">{len(lines)}q", digests))
                buffer += lines
                size += sum(map(len, lines)) + len(lines)
                if size >= BATCH_BYTES:
                    pipe.write(b"\n".join(buffer) + b"\n")
                    count += len(buffer)
                    buffer, size = [], 0
                    now = time.monotonic()
                    if now - last >= REPORT_EVERY:
                        last = now
                        report(_progress(table, count, done + count, total, started, now))
            if buffer:
                pipe.write(b"\n".join(buffer) + b"\n")
                count += len(buffer)
        done += count
        results.append((table.name, count, checksum))
        report(_progress(table, count, done, total, started, time.monotonic()))
    for table in tables:  # the derived tables' own triggers stay off until `_finish` has built their rows
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(sql.Identifier(table.name)))
    return results


def _read_ahead(source: sqlite3.Connection, query: str, chunk: int = 2000) -> Iterator[list[tuple[str]]]:
    """The rows of `query` in lists of `chunk`, read by a second thread: SQLite renders the next rows
    (without the GIL) while this one hashes and sends. At most a few chunks wait in between, so memory
    stays bounded."""
    chunks: queue.Queue[list[tuple[str]] | BaseException | None] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def read() -> None:
        try:
            cursor = source.execute(query)
            while not stop.is_set() and (rows := cursor.fetchmany(chunk)):
                chunks.put(rows)
            cursor.close()
            chunks.put(None)
        except BaseException as exc:  # handed to the consumer, which raises it
            chunks.put(exc)

    reader = threading.Thread(target=read, name="move-reader", daemon=True)
    reader.start()
    try:
        while (rows := chunks.get()) is not None:
            if isinstance(rows, BaseException):
                raise rows
            yield rows
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                chunks.get_nowait()  # unblock a reader waiting to put
        reader.join()


def _progress(table: _Table, table_done: int, done: int, total: int, started: float, now: float) -> Progress:
    rate = done / (now - started) if now > started else 0.0
    return Progress("copy", table.name, table_done, table.rows, done, total, rate,
                    (total - done) / rate if rate else None)


def _drop_keys(database: peewee.PostgresqlDatabase) -> list[tuple[str, str]]:
    """Drop the primary keys and unique constraints (the foreign keys that need them are gone already): as
    with the other indexes, one build over all rows after the copy is cheaper than keeping them current,
    and adding them back checks every row's uniqueness just the same."""
    rows = database.execute_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), t.relname FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype IN ('p', 'u') "
        "AND c.connamespace = current_schema()::regnamespace").fetchall()
    for table, name, _, _ in rows:
        database.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return [(relname, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for table, name, definition, relname in rows]


def _drop_indexes(database: peewee.PostgresqlDatabase) -> list[tuple[str, str]]:
    """Drop the indexes that back no constraint; `_finish` builds them again from their definitions,
    once over all rows, which is much faster than keeping them current row by row."""
    rows = database.execute_sql(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), t.relname FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relnamespace = current_schema()::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)").fetchall()
    for name, _, _ in rows:
        database.execute_sql(f"DROP INDEX {name}")
    return [(table, definition) for _, definition, table in rows]


def _drop_foreign_keys(database: peewee.PostgresqlDatabase) -> list[tuple[str, str, str]]:
    """Drop the foreign keys for the copy: checked row by row they cost more than the COPY itself. `_finish`
    adds them again, which checks every reference of a table in one query."""
    rows = database.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace").fetchall()
    for table, name, _ in rows:
        database.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return rows


def _finish(database: peewee.PostgresqlDatabase, tables: list[str], indexes: list[tuple[str, str]],
            foreign_keys: list[tuple[str, str, str]]) -> None:
    database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")  # the server's memory: faster GIN builds
    # The planner's statistics for the copied tables, before the statements that read them all (the search
    # table's tsvectors are left to autovacuum).
    database.execute_sql(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
                         .as_string(database.connection()))
    # The copied tables' keys and indexes first: the derived rows must not wait for their own.
    for table, definition in indexes:
        if table not in DERIVED:
            database.execute_sql(definition)
    for name, statement in DERIVED.items():
        # With the table's BEFORE INSERT trigger (migration 0023's main_doc) off: the statement computes
        # that column itself, set-wise, instead of a PL/pgSQL call per row.
        database.execute_sql(statement)
        database.execute_sql(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(sql.Identifier(name))
                             .as_string(database.connection()))
    for table, definition in indexes:
        if table in DERIVED:
            database.execute_sql(definition)
    for table, name, definition in foreign_keys:
        database.execute_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for table, column, sequence in database.execute_sql(
            "SELECT c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
            "AND position('nextval(' in c.column_default) = 1").fetchall():
        if table in tables and sequence:
            database.execute_sql(sql.SQL("SELECT setval(%s, coalesce(max({c}), 1), max({c}) IS NOT NULL) FROM {t}")
                                 .format(c=sql.Identifier(column), t=sql.Identifier(table))
                                 .as_string(database.connection()), (sequence,))


def _verify(database: peewee.PostgresqlDatabase, table: str, rows: int, checksum: int) -> TableCheck:
    columns = database.execute_sql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position", (table,)).fetchall()
    line = " || chr(9) || ".join(pg_value(c, t) for c, t in columns)
    count, total = database.execute_sql(
        f"SELECT count(*), coalesce(sum(('x' || left(md5({line}), 16))::bit(64)::bigint), 0) "
        f'FROM "{table}"').fetchone()
    return TableCheck(table, rows, int(count), checksum, int(total))
