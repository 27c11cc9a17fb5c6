"""PostgreSQL: the triggers' search refresh builds each document once (migration 0028) and the documents
are those migration 0013's function built."""

from __future__ import annotations

import importlib.util
import json

from helpdesk.core import tickets
from helpdesk.db.database import MIGRATIONS_DIR, db
from tests.conftest import make_org


def _migration(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _number_tsvectors_in_plan() -> int:
    """How many times the refresh's plan computes the number's tsvector: once per document built."""
    (body,) = db.execute_sql("SELECT prosrc FROM pg_proc WHERE proname = 'helpdesk_search_refresh'").fetchone()
    (plan,) = db.execute_sql("EXPLAIN (VERBOSE, FORMAT JSON) "
                             + body.replace("ANY(ids)", "ANY('{1,2,3}'::integer[])")).fetchone()
    return json.dumps(plan).count("to_tsvector('simple'")


def test_each_document_is_built_once(pg_db: str) -> None:
    assert _number_tsvectors_in_plan() == 1


def test_the_documents_stay_those_of_migration_0013(pg_db: str) -> None:
    org = make_org()
    bob, carl = org.actor("bob"), org.actor("carl")
    made = [tickets.create(bob, tickets.TicketDraft("it_help", description="Принтер зажёвывает бумагу")),
            tickets.create(carl, tickets.TicketDraft("repair", description="HP-1102 не печатает")),
            tickets.create(bob, tickets.TicketDraft("it_help", description="Без комментариев"))]
    tickets.add_comment(org.actor("sam"), made[0], "Замена ролика")
    tickets.add_comment(org.actor("sam"), made[0], "Секретная заметка", internal=True)
    tickets.add_comment(org.actor("sam"), made[1], "Заметка склада", internal=True)
    tickets.assign(org.actor("alice"), made[1], org.sam.id)  # an assignee's name in the document too
    with db.atomic() as transaction:
        # 0013's function, kept under another name, and what it builds beside what the current one builds
        old = _migration("0013_request_search").PG_REFRESH.replace("helpdesk_search_refresh(", "old_refresh(")
        db.execute_sql(old)
        db.execute_sql("CREATE TEMP TABLE current_docs AS SELECT ticket_id, doc, staff_doc FROM ticket_search")
        db.execute_sql("DELETE FROM ticket_search")
        db.execute_sql("SELECT old_refresh(ARRAY(SELECT id FROM ticket))")
        documents, differ = db.execute_sql(
            "SELECT count(*), count(*) FILTER (WHERE o.doc IS DISTINCT FROM c.doc OR o.staff_doc IS DISTINCT FROM "
            "c.staff_doc) FROM ticket_search o FULL JOIN current_docs c USING (ticket_id)").fetchone()
        notes = db.execute_sql("SELECT count(*) FROM current_docs WHERE staff_doc <> doc").fetchone()[0]
        # and the old function's plan computed the number's tsvector twice: the test above can fail
        db.execute_sql(old.replace("old_refresh(", "helpdesk_search_refresh(").replace(
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
        twice = _number_tsvectors_in_plan()
        transaction.rollback()
    assert documents == len(made) and differ == 0 and notes == 2
    assert twice == 2
