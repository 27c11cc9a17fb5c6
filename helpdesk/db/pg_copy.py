"""Copy a SQLite database into PostgreSQL and prove the copy: the engine under the "move" (core/db_move.py).

The work is spread over a few connections, so that both of a small server's cores work (one backend
running everything in one transaction left a core idle for most of the move):

1. One transaction creates the schema from the application's own migrations, with a marker table
   (`MOVE_MARKER`), and takes off the keys, indexes and foreign keys (db/pg_rebuild.py); it commits.
2. This connection copies table after table, each in its own transaction (TRUNCATE, then COPY ... FREEZE:
   the table was emptied in the same transaction, so its rows are written as already visible to all,
   and the index builds, checks and verification that read them later skip the per-row visibility work).
3. As soon as a table is committed, a pool of connections (db/task_graph.py) builds its keys and indexes
   and verifies it, while the next tables are copied; the search documents and their GIN indexes start
   as soon as their source tables are in; the foreign keys come last.
4. One last transaction turns the triggers back on, sets the sequences and drops the marker.

A failure anywhere stops the pool and drops everything the move created, so a target that was empty is
empty again; one that was overwritten (the admin's tick) is left empty too: its old content was dropped by
step 1 and is not restored. A move killed half-way (the process, the server) leaves the marker: the next
move may overwrite such a target without the tick, and the program refuses to start on it
(db.database.refuse_unfinished_move).

Verification: both sides render every row as the same canonical text (COPY's text format, with booleans as
t/f and timestamps with six fraction digits). SQLite renders it in SQL and this process hashes each line
while it streams to COPY; PostgreSQL renders its stored rows the same way and sums the hashes itself. A
table matches when the row counts and the sums of the first 8 bytes of every row's MD5 are equal.

The search documents and their GIN indexes are built by the move, not after the switch: deferred, every
search would miss the older requests for minutes, and the build would have to survive a restart. Each GIN
index is built once over the filled table (never grown row by row); its time is the heap scan that
extracts every tsvector's lexemes: 64MB, 256MB and 1GB of maintenance_work_mem gave the same 10-12 s per
index at a million requests, so the three are built side by side instead.
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

import peewee
import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from helpdesk.db import pg_rebuild, pg_search_documents
from helpdesk.db.database import MOVE_MARKER, apply_migrations
from helpdesk.db.pg_canonical import pg_value, sqlite_line
from helpdesk.db.pg_rebuild import DERIVED
from helpdesk.db.pg_target import (
    CopyError,
    connect_kwargs,
    first_line,
    inspect_target,
    open_target,
    worker_connection,
)
from helpdesk.db.task_graph import Task, TaskGraph

SKIPPED = {"schema_migration", MOVE_MARKER, *DERIVED}
BATCH_BYTES = 1 << 20  # what goes to COPY at a time: memory stays bounded whatever the table's size
REPORT_EVERY = 0.25  # seconds between progress reports
WORKERS = 2  # pool connections building and verifying beside the copy: the small server's two cores
COPY_SHARE = 0.4  # of the progress bar: the copy; the rest counts the pool's tasks


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
    steps_done: int = 0  # the pool's tasks (keys, indexes, documents, verifications) done so far
    steps_total: int = 0

    @property
    def percent(self) -> float:
        if self.phase == "done":
            return 100.0
        rows = self.done / self.total if self.total else 0.0
        steps = self.steps_done / self.steps_total if self.steps_total else 0.0
        return 100.0 * (COPY_SHARE * rows + (1 - COPY_SHARE) * steps)


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


# --- the copy ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)
    rows: int = 0


def copy_database(sqlite_path: Path, url: str, overwrite: bool = False,
                  on_progress: OnProgress | None = None) -> CopyReport:
    """Copy the SQLite database at `sqlite_path` into the PostgreSQL database of `url` and verify it.

    Raises CopyError when anything fails: the target is not empty (unless `overwrite`, or it holds an
    unfinished move: then every table in its schema is dropped first), the role may not create tables,
    the connection is lost, the server refuses a statement, or a table differs after the copy. What the
    move created is then dropped again (see the module's docstring).
    """
    target = inspect_target(url)
    if not target.utf8:
        raise CopyError("not_utf8", target.database)
    if not target.can_create:
        raise CopyError("no_rights", f"{target.user} on {target.database}")
    if not target.empty and not overwrite and not target.unfinished:
        raise CopyError("not_empty", f"{target.tables} tables in {target.database}")
    move = _Move(sqlite_path, url, on_progress or (lambda progress: None))
    try:
        checks = move.run(replace=not target.empty)
    except BaseException as exc:
        move.abandon()
        error = _copy_error(exc, url)
        if error is exc:
            raise
        raise error from None
    rows = sum(c.rows for c in checks)
    result = CopyReport(tuple(checks), rows, time.monotonic() - move.started)
    move.report(Progress("done", done=rows, total=rows, rate=result.rate, eta=0,
                         steps_done=move.steps_total, steps_total=move.steps_total))
    return result


def _copy_error(exc: BaseException, url: str) -> BaseException:
    """The CopyError the operator is told for a failure of the server, the connection or the source."""
    if isinstance(exc, CopyError):
        return exc
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return CopyError("no_rights", first_line(exc, url))
    if isinstance(exc, pg_errors.QueryCanceled):
        return CopyError("cancelled", first_line(exc, url))
    if isinstance(exc, (pg_errors.DiskFull, pg_errors.OutOfMemory, pg_errors.ProgramLimitExceeded)):
        return CopyError("no_space", first_line(exc, url))
    if isinstance(exc, (psycopg.OperationalError, peewee.OperationalError, peewee.InterfaceError)):
        return CopyError("connection_lost", first_line(exc, url))
    if isinstance(exc, (psycopg.Error, peewee.DatabaseError)):
        return CopyError("refused", first_line(exc, url))
    if isinstance(exc, sqlite3.Error):
        return CopyError("source", str(exc))
    return exc


class _Move:
    """One run of the move: the source, this connection, the pool, and what to undo should it fail."""

    def __init__(self, sqlite_path: Path, url: str, report: OnProgress) -> None:
        self.sqlite_path = sqlite_path
        self.url = url
        self.report = report
        self.started = time.monotonic()
        self.created = False  # the schema's transaction committed: a failure must drop what it made
        self.graph: TaskGraph | None = None
        self.checks: list[TableCheck] = []
        self.steps_total = 0
        self.source: sqlite3.Connection | None = None
        self.database: peewee.PostgresqlDatabase | None = None

    def run(self, replace: bool) -> list[TableCheck]:
        self.report(Progress("schema"))
        self.source = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, isolation_level=None,
                                      check_same_thread=False)  # one reader thread at a time (_read_ahead)
        self.source.execute("BEGIN")  # one snapshot of the source for the whole copy
        database = self.database = open_target(self.url)
        conn = database.connection()
        with database.atomic():
            if replace:
                _drop_everything(conn)
            conn.execute(sql.SQL("CREATE TABLE {} (started timestamptz NOT NULL DEFAULT now())")
                         .format(sql.Identifier(MOVE_MARKER)))
            _check_migrations(self.source, database)
            tables = _plan(self.source, conn)
            dropped = pg_rebuild.drop(conn)
            for name in [t.name for t in tables] + list(DERIVED):  # no per-row triggers while copying
                conn.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(name)))
            conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, DERIVED))))
        self.created = True
        graph = self.graph = TaskGraph(lambda: worker_connection(self.url), WORKERS)
        copied = {t.name for t in tables}
        first_id, last_id = self.source.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM ticket").fetchone()
        for task in pg_rebuild.tasks(dropped, {t.name: t.rows for t in tables},
                                     {*dropped.keys, *(t for t, _, _ in dropped.indexes)} - copied - set(DERIVED),
                                     (first_id, last_id)):
            graph.add(task)
        graph.start()
        self._copy_tables(conn, tables)
        graph.close()
        graph.wait(self._report_pool, REPORT_EVERY)
        bad = sorted(c.table for c in self.checks if not c.ok)
        if bad:
            raise CopyError("mismatch", ", ".join(bad))
        self.report(self._pool_progress("verify"))
        with database.atomic():
            for name in [t.name for t in tables] + list(DERIVED):
                conn.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(sql.Identifier(name)))
            _set_sequences(database, copied)
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(MOVE_MARKER)))
        self._close()
        return sorted(self.checks, key=lambda c: c.table)

    def _copy_tables(self, conn: psycopg.Connection, tables: list[_Table]) -> None:
        """Each table in its own transaction; once committed, the pool builds and verifies it."""
        assert self.graph is not None and self.database is not None and self.source is not None
        total = sum(t.rows for t in tables)
        done = 0
        last = 0.0
        for table in tables:
            with self.database.atomic():
                # Rows the migrations wrote (request types, the calendar) make way for the source's own.
                conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table.name)))
                count, checksum = 0, 0
                copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
                    sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c, _ in table.columns))
                chunks = _read_ahead(self.source, f'SELECT {sqlite_line(list(table.columns))} FROM "{table.name}"')
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
                                self.graph.check()  # a failure in the pool stops the copy too
                                self.report(self._copy_progress(table, count, done + count, total, now))
                    if buffer:
                        pipe.write(b"\n".join(buffer) + b"\n")
                        count += len(buffer)
            done += count
            self.graph.mark(f"copied:{table.name}")
            self.graph.add(Task((1, -table.rows), f"verify:{table.name}", frozenset({f"keys:{table.name}"}),
                                _verifier(table.name, count, checksum, self.checks)))
            self.report(self._copy_progress(table, count, done, total, time.monotonic()))

    def _copy_progress(self, table: _Table, table_done: int, done: int, total: int, now: float) -> Progress:
        assert self.graph is not None
        progress = Progress("copy", table.name, table_done, table.rows, done, total,
                            steps_done=self.graph.finished, steps_total=self.graph.total)
        return self._timed(progress, now)

    def _pool_progress(self, phase: str) -> Progress:
        assert self.graph is not None
        self.steps_total = self.graph.total
        total = sum(c.rows for c in self.checks)
        running = self.graph.running()
        progress = Progress(phase, ", ".join(running[:2]), self.graph.finished, self.graph.total, total, total,
                            steps_done=self.graph.finished, steps_total=self.graph.total)
        return self._timed(progress, time.monotonic())

    def _report_pool(self) -> None:
        assert self.graph is not None
        left = self.graph.remaining()
        self.report(self._pool_progress("verify" if left and all(k.startswith("verify:") for k in left) else "index"))

    def _timed(self, progress: Progress, now: float) -> Progress:
        """Rate: rows copied per second so far; time left: from the share of the whole move done so far."""
        elapsed = now - self.started
        share = progress.percent / 100
        return Progress(progress.phase, progress.table, progress.table_done, progress.table_total, progress.done,
                        progress.total, progress.done / elapsed if elapsed > 0 else 0.0,
                        elapsed * (1 - share) / share if share > 0.01 else None,
                        progress.steps_done, progress.steps_total)

    def _close(self) -> None:
        if self.graph is not None:
            self.graph.stop()
        if self.source is not None:
            self.source.close()
        if self.database is not None:
            # A connection already gone is fine: the server rolled its transaction back.
            with contextlib.suppress(peewee.DatabaseError, psycopg.Error):
                self.database.close()

    def abandon(self) -> None:
        """After a failure: stop the pool, then drop what the move created (the marker with it)."""
        self._close()
        if not self.created:
            return  # the schema's transaction rolled back: the target is as it was
        with contextlib.suppress(psycopg.Error):
            kwargs = connect_kwargs(self.url)
            with psycopg.connect(**kwargs, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute("SET statement_timeout = 0")  # the cleanup must finish, whatever the URL says
                with conn.transaction():
                    _drop_everything(conn)


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


def _drop_everything(conn: psycopg.Connection) -> None:
    names = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
    if names:
        conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(sql.SQL(", ").join(map(sql.Identifier, names))))
    for (signature,) in conn.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
            "AND left(p.proname, 8) = 'helpdesk'").fetchall():
        conn.execute(f"DROP FUNCTION {signature} CASCADE")  # type: ignore[arg-type] - a name from the catalog


def _check_migrations(source: sqlite3.Connection, database: peewee.PostgresqlDatabase) -> None:
    """Create the schema with the application's migrations; the source must have exactly the same ones."""
    apply_migrations(database)
    ours = {r[0] for r in source.execute("SELECT name FROM schema_migration")}
    theirs = {r[0] for r in database.execute_sql("SELECT name FROM schema_migration").fetchall()}
    if ours != theirs:
        raise CopyError("schema", "the SQLite database has other migrations: "
                        + ", ".join(sorted(ours ^ theirs)))


def _plan(source: sqlite3.Connection, conn: psycopg.Connection) -> list[_Table]:
    """The tables to copy, with their columns and row counts, in the order that keeps the pool busy.

    No foreign key is checked during the copy, so any order is correct. First the search documents'
    sources, smallest first (the documents and their indexes are the longest chain after them), then
    the largest tables first: what the pool still has to do once the copy ends is the small tables' work.
    """
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall():
        columns.setdefault(table, []).append((column, data_type))
    names = sorted(name for name in columns if name not in SKIPPED)
    present = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(set(names) - present)
    if missing:
        raise CopyError("schema", "the SQLite database has no table " + ", ".join(missing))
    tables = [_Table(name, tuple(columns[name]), source.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
              for name in names]
    sources = set(pg_search_documents.SOURCES)
    return (sorted((t for t in tables if t.name in sources), key=lambda t: t.rows)
            + sorted((t for t in tables if t.name not in sources), key=lambda t: -t.rows))


def _set_sequences(database: peewee.PostgresqlDatabase, tables: set[str]) -> None:
    for table, column, sequence in database.execute_sql(
            "SELECT c.table_name, c.column_name, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
            "AND position('nextval(' in c.column_default) = 1").fetchall():
        if table in tables and sequence:
            database.execute_sql(sql.SQL("SELECT setval(%s, coalesce(max({c}), 1), max({c}) IS NOT NULL) FROM {t}")
                                 .format(c=sql.Identifier(column), t=sql.Identifier(table))
                                 .as_string(database.connection()), (sequence,))


def _verifier(table: str, rows: int, checksum: int, checks: list[TableCheck]) -> Callable[[psycopg.Connection], None]:
    def run(conn: psycopg.Connection) -> None:
        checks.append(_verify(conn, table, rows, checksum))
    return run


def _verify(conn: psycopg.Connection, table: str, rows: int, checksum: int) -> TableCheck:
    """Count and sum the row hashes of the committed table, as the copy did on its side."""
    columns = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position", (table,)).fetchall()
    line = " || chr(9) || ".join(pg_value(c, t) for c, t in columns)
    count, total = conn.execute(
        f"SELECT count(*), coalesce(sum(('x' || left(md5({line}), 16))::bit(64)::bigint), 0) "  # type: ignore[arg-type]
        f'FROM "{table}"').fetchone()
    return TableCheck(table, rows, int(count), checksum, int(total))
