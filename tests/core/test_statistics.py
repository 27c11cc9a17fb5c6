"""The query planner's statistics are gathered at start, nightly and after an import (SQLite keeps none by itself)."""

from __future__ import annotations

from pathlib import Path

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import imports
from helpdesk.db.database import close_database, db, is_sqlite, refresh_statistics
from helpdesk.db.models import Branch
from helpdesk.tasks.jobs import register_jobs
from helpdesk.tasks.queue import create_huey
from tests.conftest import Org
from tests.core.test_bulk_import import xlsx


def _sqlite_stats(table: str) -> list[tuple[str, str]]:
    if not db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return []
    return db.execute_sql("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?", (table,)).fetchall()


def _pg_rows_known(table: str) -> float:
    return db.execute_sql("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", (table,)).fetchone()[0]


def test_start_gathers_sqlite_statistics(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, environ={})
    try:
        runtime.prepare(settings)
        assert dict(_sqlite_stats("user")), "no statistics for the first admin's table after start"
    finally:
        close_database()


def test_an_import_refreshes_the_statistics(org: Org) -> None:
    before = _sqlite_stats("branch") if is_sqlite() else _pg_rows_known("branch")
    rows = [["Code", "Name", "Warehouse code"]] + [[f"n{i:03d}", f"Branch {i}", "W1"] for i in range(60)]
    imports.apply(org.actor("alice"), imports.preview(org.actor("alice"), "branches", "b.xlsx", xlsx(rows)))
    count = Branch.select().count()
    if is_sqlite():
        after = dict(_sqlite_stats("branch"))
        assert after != dict(before)
        assert any(stat.split()[0] == str(count) for stat in after.values())  # the row count as of now
    else:
        assert before != count
        assert _pg_rows_known("branch") == count


def test_nightly_job_refreshes_sqlite_statistics(sqlite_org: Org, tmp_path: Path) -> None:
    assert not _sqlite_stats("user")
    settings = load_settings({"data_dir": str(tmp_path)}, environ={})
    register_jobs(create_huey(settings, immediate=True), settings).nightly()
    assert _sqlite_stats("user")


def test_index_by_index_equals_a_whole_analyze(sqlite_org: Org) -> None:
    refresh_statistics()
    ours = sorted(db.execute_sql("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall())
    db.execute_sql("DELETE FROM sqlite_stat1")
    db.execute_sql("ANALYZE")
    assert ours == sorted(db.execute_sql("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall())
