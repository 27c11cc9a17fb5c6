"""What the move takes off the target's schema before the copy, and the tasks that put it back.

Keys, indexes and foreign keys are dropped in the schema's transaction: one build over all of a table's
rows after its copy is far cheaper than keeping them current row by row. Each comes back as a task of
the move's task graph (db/task_graph.py), run by a pool connection as soon as what it needs is in:

    copied:T  ->  keys:T (primary and unique keys, then ANALYZE)  ->  index:I (one per index), verify:T
    keys of the search documents' sources  ->  documents:N (the parts, side by side)  ->  keys:ticket_search
        ->  its GIN indexes, side by side
    every key and index of both tables  ->  fk:F, one after the other

The order spares the workers lock waits: a key (ACCESS EXCLUSIVE) and ANALYZE (SHARE UPDATE EXCLUSIVE)
go before the table's index builds (SHARE, which may run side by side), and a foreign key (SHARE ROW
EXCLUSIVE on both tables) waits in the graph, not in the server, for both tables' builds. The foreign
keys run one at a time: two of them lock their tables in opposite orders and could deadlock.
Ranks: the search documents and their indexes first (the longest chain), then the largest tables first,
so the last tasks to finish are small ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from helpdesk.db import pg_search_documents
from helpdesk.db.task_graph import Task

DERIVED = ("ticket_search",)  # rebuilt from the copied rows (SQLite keeps them in an FTS5 table of another shape)
DOCUMENT_PARTS = 2  # the search documents' INSERT, split by request id over this many connections


@dataclass(frozen=True)
class Dropped:
    """What `drop` took off, as the statements that build it back."""

    keys: dict[str, list[str]]  # table: ALTER TABLE ... ADD CONSTRAINT (primary and unique keys)
    indexes: list[tuple[str, str, str]]  # (table, index name, CREATE INDEX ...)
    foreign_keys: list[tuple[str, str, str]]  # (child table, parent table, ALTER TABLE ... ADD CONSTRAINT)


def _rows(conn: psycopg.Connection, query: str) -> list[tuple]:
    return conn.execute(query).fetchall()


def drop(conn: psycopg.Connection) -> Dropped:
    """Drop the foreign keys, then the primary and unique keys, then the other indexes of the schema."""
    foreign = _rows(conn, "SELECT c.conrelid::regclass::text, t.relname, p.relname, c.conname, pg_get_constraintdef(c.oid) "
                          "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid "
                          "WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace")
    for table, _, _, name, _ in foreign:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    keys: dict[str, list[str]] = {}
    for table, name, definition, relname in _rows(
            conn, "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), t.relname "
                  "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype IN ('p', 'u') "
                  "AND c.connamespace = current_schema()::regnamespace"):
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        keys.setdefault(relname, []).append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    indexes = _rows(conn, "SELECT t.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                          "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                          "WHERE t.relnamespace = current_schema()::regnamespace "
                          "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)")
    for _, name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    return Dropped(keys, [(t, n, d) for t, n, d in indexes],
                   [(child, parent, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                    for table, child, parent, name, definition in foreign])


def _statements(*statements: str) -> Callable[[psycopg.Connection], None]:
    def run(conn: psycopg.Connection) -> None:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type] - definitions read from the catalog
    return run


def tasks(dropped: Dropped, rows: dict[str, int], schema_only: set[str], ticket_ids: tuple[int, int]) -> list[Task]:
    """The tasks that build back what `drop` took off, and the search documents.

    `rows`: the copied tables and their row counts (their tasks need `copied:<table>`, marked by the
    copy); `schema_only`: tables with keys that are not copied (the migrations' history): built at once;
    `ticket_ids`: the first and last request id, split in ranges for the documents.
    """
    size = {**rows, **{name: rows.get("ticket", 0) for name in DERIVED}}
    sources = set(pg_search_documents.SOURCES)

    def rank(table: str, what: str) -> tuple[int, int]:
        # The longest chain first: the sources' keys, the documents, the search table's keys and indexes.
        first = table in DERIVED or (what == "keys" and table in sources)
        return (0 if first else 1, -size.get(table, 0))

    result: list[Task] = []
    documents = frozenset(f"documents:{n}" for n in range(DOCUMENT_PARTS))
    for table in [*rows, *DERIVED, *sorted(schema_only)]:
        needs = (frozenset({f"copied:{table}"}) if table in rows else documents if table in DERIVED
                 else frozenset())
        # The planner's statistics before the statements that read the table (documents, foreign keys);
        # the search table's tsvectors are left to autovacuum.
        analyze = [] if table in DERIVED else [f'ANALYZE "{table}"']
        result.append(Task(rank(table, "keys"), f"keys:{table}", needs, _statements(*dropped.keys.get(table, []), *analyze)))
    for table, name, definition in dropped.indexes:
        result.append(Task(rank(table, "index"), f"index:{name}", frozenset({f"keys:{table}"}), _statements(definition)))
    source_keys = frozenset(f"keys:{name}" for name in sources)
    first_id, last_id = ticket_ids
    step = (last_id - first_id) // DOCUMENT_PARTS + 1
    for n in range(DOCUMENT_PARTS):
        # With the table's BEFORE INSERT trigger (migration 0023's main_doc) off: the statement computes
        # that column itself, set-wise, instead of a PL/pgSQL call per row.
        ids = (first_id + n * step, last_id if n == DOCUMENT_PARTS - 1 else first_id + (n + 1) * step - 1)
        result.append(Task((0, -size.get("ticket", 0)), f"documents:{n}", source_keys,
                           _statements(pg_search_documents.build(ids))))
    built: dict[str, set[str]] = {}
    for table, name, _ in dropped.indexes:
        built.setdefault(table, {f"keys:{table}"}).add(f"index:{name}")
    previous: frozenset[str] = frozenset()
    for n, (child, parent, statement) in enumerate(dropped.foreign_keys):
        needs = frozenset({f"keys:{child}", f"keys:{parent}", *built.get(child, ()), *built.get(parent, ())})
        result.append(Task((2, n), f"fk:{n}", needs | previous, _statements(statement)))
        previous = frozenset({f"fk:{n}"})
    return result
