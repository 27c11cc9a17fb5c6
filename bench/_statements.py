"""What one request costs the database, in measures the machine's load does not sway.

`Probe` wraps `db.execute_sql` for the duration of a request: it counts the statements, keeps their
text and parameters, and on SQLite counts the virtual machine's steps (a progress handler on every
connection, called each `STEP` instructions). `pg_buffers` replays a statement under EXPLAIN (ANALYZE,
BUFFERS): the shared buffers it touched, hit or read, are the same on a busy machine as on a quiet one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from helpdesk.db.database import db, is_sqlite

STEP = 100  # VM instructions per progress callback: fine enough for 50-row pages, cheap enough


@dataclass
class Statement:
    sql: str
    params: tuple
    steps: int = 0  # SQLite VM instructions (STEP granularity) while it ran and was read
    seconds: float = 0.0  # wall time of its execute (the first row on SQLite)


@dataclass
class Probe:
    statements: list[Statement] = field(default_factory=list)
    cpu: float = 0.0  # process CPU seconds over the request

    @property
    def steps(self) -> int:
        return sum(s.steps for s in self.statements)


_current: Probe | None = None
_hooked: set[int] = set()


def _count_step() -> int:
    if _current is not None and _current.statements:
        _current.statements[-1].steps += STEP
    return 0  # 0: go on


def _install() -> None:
    database = db.obj
    if getattr(database, "_probe_installed", False):
        return
    original = database.execute_sql

    def execute_sql(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _current is None:
            return original(sql, params, *args, **kwargs)
        if is_sqlite():
            connection = database.connection()
            if id(connection) not in _hooked:
                connection.set_progress_handler(_count_step, STEP)
                _hooked.add(id(connection))
        _current.statements.append(Statement(sql, tuple(params or ())))
        started = time.perf_counter()
        try:
            return original(sql, params, *args, **kwargs)
        finally:
            _current.statements[-1].seconds = time.perf_counter() - started

    database.execute_sql = execute_sql
    database._probe_installed = True


@contextmanager
def probe() -> Iterator[Probe]:
    """Everything the database does inside the block (one request at a time: the hook is global)."""
    global _current
    _install()
    _current = found = Probe()
    cpu = time.process_time()
    try:
        yield found
    finally:
        found.cpu = time.process_time() - cpu
        _current = None


def pg_buffers(statement: Statement) -> tuple[int, float]:
    """(shared buffers hit + read, execution ms) of a read statement replayed under EXPLAIN ANALYZE."""
    if not statement.sql.lstrip().upper().startswith("SELECT"):
        return 0, 0.0
    row = db.execute_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.sql, statement.params).fetchone()
    plan = row[0] if isinstance(row[0], list) else json.loads(row[0])
    top = plan[0]
    buffers = top["Plan"].get("Shared Hit Blocks", 0) + top["Plan"].get("Shared Read Blocks", 0)
    return buffers, top.get("Execution Time", 0.0)


def pg_plan(statement: Statement) -> str:
    rows = db.execute_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.params).fetchall()
    return "\n".join(r[0] for r in rows)


def sqlite_plan(statement: Statement) -> str:
    rows = db.execute_sql("EXPLAIN QUERY PLAN " + statement.sql, statement.params).fetchall()
    return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
