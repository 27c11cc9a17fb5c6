"""The move to PostgreSQL: a realistic SQLite database copied, verified table by table, and still working;
and every failure leaves the target as it was, with a report in plain words."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from helpdesk.core import db_move, people, search, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.demo import load_demo
from helpdesk.core.errors import DomainError, ValidationError
from helpdesk.db import pg_copy
from helpdesk.db.database import UnfinishedMove, close_database, db, init_database
from helpdesk.db.models import (
    Attachment,
    AuditEvent,
    Branch,
    Comment,
    Ticket,
    TicketType,
    User,
)
from helpdesk.db.pg_copy import Progress
from tests.support.postgres import PgServer, get_pg_server

CLI = Actor.system("cli")
EDGE_TIMES = (dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59, 999999), dt.datetime(2024, 2, 29, 12))
TRICKY = "Принтер «HP» не печатает\tвкладка\nновая строка \\ обратная косая; ёЁ; 'кавычки' \"двойные\" 😀"


def _fill(uploads: Path) -> None:
    """Demo data plus volume: Cyrillic, NULLs, edge dates, archived rows, audit events, attachments."""
    people.ensure_first_admin()
    load_demo()
    branch = Branch.get()
    author = User.get(User.branch.is_null(False))
    kind = TicketType.get(TicketType.code == "repair")
    start = Ticket.select().count()
    rows = []
    for i in range(300):
        rows.append({
            "number": f"2025-{900000 + i:06d}", "type": kind, "branch": branch, "warehouse": branch.warehouse_id,
            "author": author, "assignee": None if i % 3 else author, "description": f"{TRICKY} №{i}",
            "status": "closed" if i % 2 else "new", "archived": i % 2 == 1,
            "archived_at": EDGE_TIMES[i % 3] if i % 2 else None, "created_at": EDGE_TIMES[i % 3],
            "updated_at": dt.datetime(2025, 1, 1, 0, 0, 0, i), "client_key": None if i % 5 else f"web:{i}",
        })
    with db.atomic():
        Ticket.insert_many(rows).execute()
        added = list(Ticket.select().order_by(Ticket.id).offset(start))
        for n, ticket in enumerate(added):
            Comment.create(ticket=ticket, author=author if n % 2 else None, body=f"Комментарий {n}\t\\n",
                           internal=n % 4 == 0)
        # More than the 1 MB a COPY batch holds: the failure tests cut the copy in the middle of this table.
        AuditEvent.insert_many({
            "ticket": added[n % len(added)], "actor": author if n % 2 else None, "channel": "bot",
            "action": "comment", "entity_id": added[n % len(added)].number,
            "before": None, "after": {"текст": "Ж" * 150, "n": n, "null": None}, "created_at": EDGE_TIMES[n % 3],
        } for n in range(5000)).execute()
        for n, ticket in enumerate(added[:20]):
            relative = f"{ticket.id}/фото {n}.jpg"
            (uploads / relative).parent.mkdir(parents=True, exist_ok=True)
            (uploads / relative).write_bytes(b"\xff\xd8jpeg")
            Attachment.create(ticket=ticket, uploaded_by=author, file_name=f"фото {n}.jpg", content_type="image/jpeg",
                              size=6, storage_path=relative, telegram_file_id=None if n % 2 else "AgAD")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("move")
    path = folder / "helpdesk.db"
    (folder / "uploads").mkdir()
    init_database(f"sqlite:///{path}")
    try:
        _fill(folder / "uploads")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()
    return path


@pytest.fixture
def sqlite_file(source: Path, tmp_path: Path) -> Path:
    path = tmp_path / "helpdesk.db"
    shutil.copyfile(source, path)
    shutil.copytree(source.parent / "uploads", tmp_path / "uploads")
    return path


@pytest.fixture
def server() -> PgServer:
    found = get_pg_server()
    assert found is not None
    return found


_count = iter(range(10_000))


@pytest.fixture
def target(server: PgServer) -> Iterator[str]:
    name = f"hd_move_{os.getpid()}_{next(_count)}"
    url = server.create_database(name)
    yield url
    close_database()
    server.drop_database(name)


def _tables(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def _rows(url: str, model: type) -> list[dict]:
    init_database(url, migrate=False)
    try:
        return [dict(row) for row in model.select().order_by(model.id).dicts()]
    finally:
        close_database()


def test_a_realistic_database_moves_verified_and_keeps_working(sqlite_file: Path, target: str) -> None:
    seen: list[Progress] = []
    report = db_move.move(CLI, sqlite_file, target, on_progress=seen.append)

    by_table = {check.table: check for check in report.tables}
    assert all(check.ok for check in report.tables)
    assert by_table["ticket"].rows > 300 and by_table["audit_event"].rows > 5000
    assert by_table["comment"].rows >= 300 and by_table["attachment"].rows == 20
    assert [p.phase for p in seen][0] == "schema" and seen[-1].phase == "done" and seen[-1].percent == 100
    assert any(p.phase == "copy" and p.table == "audit_event" and p.rate > 0 for p in seen)
    # Read back through the models on both sides: every value the same, edge dates and NULLs included.
    for model in (Ticket, Comment, AuditEvent, Attachment, User):
        assert _rows(target, model) == _rows(f"sqlite:///{sqlite_file}", model), model.__name__
    assert db_move.missing_attachments(sqlite_file.parent / "uploads") == []
    # The search documents, built set-wise by the move, are those the triggers' function builds.
    with psycopg.connect(target) as conn:
        conn.execute("CREATE TEMP TABLE built AS SELECT * FROM ticket_search")
        conn.execute("SELECT helpdesk_search_refresh(ARRAY(SELECT id FROM ticket))")
        documents, differ = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE b.doc IS DISTINCT FROM s.doc OR b.staff_doc IS DISTINCT FROM "
            "s.staff_doc OR b.main_doc IS DISTINCT FROM s.main_doc) FROM built b FULL JOIN ticket_search s USING (ticket_id)").fetchone()
        conn.rollback()
    assert documents == by_table["ticket"].rows and differ == 0

    init_database(target)
    last = Ticket.select().order_by(Ticket.id.desc()).get()
    author = User.get(User.branch.is_null(False))
    created = tickets.create(Actor(author, "web"), tickets.TicketDraft("repair", description="После переезда"))
    assert created.id == last.id + 1
    assert created.number > max(t.number for t in Ticket.select() if t.number.startswith(created.number[:4])
                                and t.id != created.id)
    found = search.ranked(Actor.system(), "обратная")  # the search documents were built on the target
    assert len(found) > 0
    close_database()

    with pytest.raises(db_move.MoveFailed) as refused:  # a second move into the same target
        db_move.move(CLI, sqlite_file, target)
    assert "not empty" in refused.value.text("en")


def test_overwrite_replaces_what_the_target_holds(sqlite_file: Path, target: str) -> None:
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE leftover (id int)")
    report = db_move.move(CLI, sqlite_file, target, overwrite=True)
    assert all(check.ok for check in report.tables)
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT to_regclass('leftover')").fetchone()[0] is None


CORRUPTIONS = {
    # table: a change to one stored row (or two) after the copy, before the verification
    "comment": "UPDATE comment SET body = body || ' ' WHERE id = (SELECT max(id) FROM comment)",
    "audit_event": "UPDATE audit_event SET created_at = created_at + interval '1 microsecond' "
                   "WHERE id = (SELECT min(id) + 7 FROM audit_event)",
    "ticket": "UPDATE ticket SET description = CASE id WHEN (SELECT min(id) FROM ticket) THEN "
              "(SELECT description FROM ticket ORDER BY id OFFSET 1 LIMIT 1) ELSE (SELECT description FROM ticket "
              "ORDER BY id LIMIT 1) END WHERE id IN (SELECT id FROM ticket ORDER BY id LIMIT 2)",  # two swapped
    "attachment": "DELETE FROM attachment WHERE id = (SELECT max(id) FROM attachment)",
}


@pytest.mark.parametrize("table", CORRUPTIONS)
def test_the_verification_catches_a_changed_row(sqlite_file: Path, target: str, table: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    verify = pg_copy._verify

    def corrupt_then_verify(conn, name, *args):  # noqa: ANN001, ANN202 - pg_copy's own arguments
        if name == table:  # the table is committed: its copy is done, its verification not yet
            conn.execute("SET session_replication_role = replica")  # past the no-delete triggers
            conn.execute(CORRUPTIONS[table])
            conn.execute("SET session_replication_role = origin")
        return verify(conn, name, *args)

    monkeypatch.setattr(pg_copy, "_verify", corrupt_then_verify)
    with pytest.raises(db_move.MoveFailed) as refused:
        db_move.move(CLI, sqlite_file, target)
    assert refused.value.text("en") == f"The copy differs from the original in: {table}. Nothing was switched."
    assert _tables(target) == 0


def test_a_bad_address_is_refused_in_plain_words(sqlite_file: Path) -> None:
    with pytest.raises(ValidationError):
        db_move.move(CLI, sqlite_file, "mysql://root@localhost/x")
    with pytest.raises(db_move.MoveFailed) as refused:
        db_move.move(CLI, sqlite_file, "postgresql://nobody:s3cr3t-pass@127.0.0.1:1/none")
    text = refused.value.text("en")
    assert text.startswith("Cannot connect to PostgreSQL") and "s3cr3t-pass" not in text


def test_a_role_without_create_rights_is_refused(sqlite_file: Path, target: str, server: PgServer) -> None:
    role = f"hd_noright_{os.getpid()}"
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    try:
        url = target.replace("postgres@", f"{role}@", 1)
        assert db_move.check_target(CLI, url).can_create is False
        with pytest.raises(db_move.MoveFailed) as refused:
            db_move.move(CLI, sqlite_file, url)
        assert "may not create tables" in refused.value.text("en")
    finally:
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _cut_during(table: str, action) -> object:  # noqa: ANN001 - the failure to cause, once
    done = threading.Event()

    def on_progress(progress: Progress) -> None:
        if progress.phase == "copy" and progress.table == table and progress.table_done < progress.table_total \
                and not done.is_set():
            done.set()
            action()
    return on_progress


def test_a_connection_cut_mid_copy_switches_nothing(sqlite_file: Path, target: str) -> None:
    name = target.rsplit("/", 1)[1]

    def kill() -> None:
        with psycopg.connect(target.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            killed = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                  "AND pid <> pg_backend_pid()", (name,)).fetchall()
            assert killed

    with pytest.raises(db_move.MoveFailed) as refused:
        db_move.move(CLI, sqlite_file, target, on_progress=_cut_during("audit_event", kill))
    assert "connection to PostgreSQL was lost" in refused.value.text("en")
    assert _tables(target) == 0  # the one transaction rolled back: the target is as it was
    assert sqlite_file.stat().st_mode & 0o200  # nothing switched: the SQLite file stays writable


def test_a_move_killed_half_way_is_never_run_and_is_replaced_without_asking(
        sqlite_file: Path, target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    class Killed(BaseException):
        pass

    def kill() -> None:
        raise Killed  # as a kill -9 of the process: nothing after this point runs

    with monkeypatch.context() as patched:
        patched.setattr(pg_copy._Move, "abandon", lambda self: self._close())  # no cleanup, as after a kill
        with pytest.raises(Killed):
            db_move.move(CLI, sqlite_file, target, on_progress=_cut_during("audit_event", kill))
    assert _tables(target) > 1
    assert db_move.check_target(CLI, target).unfinished
    with pytest.raises(UnfinishedMove):  # the program never starts on a half-moved database
        init_database(target)
    close_database()

    report = db_move.move(CLI, sqlite_file, target)  # no overwrite tick needed for an unfinished move
    assert all(check.ok for check in report.tables)
    assert not db_move.check_target(CLI, target).unfinished
    init_database(target)  # the finished move starts
    assert Ticket.select().count() == report.tables[[c.table for c in report.tables].index("ticket")].rows
    close_database()


def test_a_statement_timeout_as_a_full_disk_switches_nothing(sqlite_file: Path, target: str) -> None:
    import time

    slow = target + "?options=-c%20statement_timeout%3D300"
    with pytest.raises(db_move.MoveFailed) as refused:
        db_move.move(CLI, sqlite_file, slow, on_progress=_cut_during("audit_event", lambda: time.sleep(0.5)))
    assert "PostgreSQL stopped the copy" in refused.value.text("en")
    assert _tables(target) == 0


def test_only_an_admin_moves(sqlite_file: Path, target: str) -> None:
    init_database(f"sqlite:///{sqlite_file}")
    try:
        storekeeper = User.get(User.role == "storekeeper")
        with pytest.raises(DomainError):
            db_move.check_target(Actor(storekeeper, "web"), target)
    finally:
        close_database()


def test_the_cli_moves_and_never_prints_the_password(sqlite_file: Path, target: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from helpdesk import cli

    data_dir = sqlite_file.parent
    for name in [n for n in os.environ if n.startswith("HELPDESK_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(data_dir)  # no .env of the working copy
    url = target.replace("postgres@", "postgres:n0t-printed@", 1)  # the test server trusts loopback
    assert cli.main(["migrate", "--data-dir", str(data_dir), url]) == 0
    printed = capsys.readouterr()
    assert "every table verified" in printed.out and "n0t-printed" not in printed.out + printed.err
    assert "n0t-printed" not in (data_dir / "settings.json").read_text()
    assert sqlite_file.stat().st_mode & 0o222 == 0
    assert cli.main(["migrate", "--data-dir", str(data_dir), url]) == 2  # the settings file says PostgreSQL now
    assert "already on PostgreSQL" in capsys.readouterr().err


def test_a_job_still_running_stops_the_move_before_the_copy(sqlite_file: Path, target: str, tmp_path: Path) -> None:
    """The pause could not end a running job: nothing is copied or switched, and the channels come back."""
    resumed: list[bool] = []

    def pause() -> None:
        raise db_move.job_still_running("backup_now", 120)

    db_move.start(CLI, sqlite_file, target, False, tmp_path, pause=pause, switch=lambda url: None,
                  resume=resumed.append)
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)
    while db_move.status().state == "running" and dt.datetime.now() < deadline:
        threading.Event().wait(0.05)
    status = db_move.status()
    assert status.state == "failed" and resumed == [False]
    assert status.error.text("en") == ("A background job (backup_now) was still running after 120 s. Start the move "
                                       "again when it has finished. Nothing was switched.")
    assert _tables(target) == 0
    db_move._status = db_move.MoveStatus()  # the process-wide state, for the tests after this one
