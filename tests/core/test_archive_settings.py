"""The archive policy is a setting (an old JSON file imported once); archived requests are read-only;
an admin can take one out of the archive, and that is audited."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpdesk.config import load_settings
from helpdesk.core import archive_policy, attachments, tickets
from helpdesk.core.errors import Conflict, Forbidden, ValidationError
from helpdesk.db.models import AuditEvent, Ticket, utcnow
from helpdesk.tasks.jobs import archive_policy as policy_for_job
from tests.conftest import Org


def _finished(org: Org, days_ago: int, status: str = "closed") -> Ticket:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Done long ago"))
    stamp = {"closed": "closed_at", "rejected": "rejected_at", "cancelled": "cancelled_at"}[status]
    Ticket.update(status=status, **{stamp: utcnow() - dt.timedelta(days=days_ago)}).where(
        Ticket.id == ticket.id).execute()
    return Ticket.get_by_id(ticket.id)


def test_policy_defaults_save_and_refuse_nonsense(org: Org) -> None:
    assert archive_policy.current() == tickets.DEFAULT_ARCHIVE_POLICY
    saved = archive_policy.save(org.actor("alice"), {"days_closed": "30", "days_rejected": "60",
                                                     "days_cancelled": "7"})
    assert saved == {"closed": 30, "rejected": 60, "cancelled": 7}
    assert AuditEvent.get(AuditEvent.action == "archive_policy_save").after == {"closed": 30, "rejected": 60,
                                                                                "cancelled": 7}
    with pytest.raises(ValidationError) as refused:
        archive_policy.save(org.actor("alice"), {"days_closed": "0", "days_rejected": "60", "days_cancelled": "7"})
    assert refused.value.field == "days_closed"
    with pytest.raises(Forbidden):
        archive_policy.save(org.actor("sam"), {"days_closed": "5", "days_rejected": "5", "days_cancelled": "5"})
    assert archive_policy.current()["closed"] == 30


def test_an_old_policy_file_is_imported_once(sqlite_org: Org, tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, environ={})
    (tmp_path / "archive_policy.json").write_text(json.dumps({"closed": 10, "rejected": 20}))
    assert policy_for_job(settings) == {"closed": 10, "rejected": 20, "cancelled": 90}
    assert not (tmp_path / "archive_policy.json").exists()
    assert (tmp_path / "archive_policy.json.imported").exists()
    archive_policy.save(sqlite_org.actor("alice"), {"days_closed": "15", "days_rejected": "20",
                                                    "days_cancelled": "90"})
    (tmp_path / "archive_policy.json").write_text(json.dumps({"closed": 1}))  # edited by habit: not the source
    assert policy_for_job(settings)["closed"] == 15


def test_archived_requests_refuse_edits(org: Org, tmp_path: Path) -> None:
    ticket = _finished(org, 100)
    assert tickets.archive_due(archive_policy.current()) == 1
    ticket = Ticket.get_by_id(ticket.id)
    with pytest.raises(Conflict, match="archived"):
        tickets.add_comment(org.actor("sam"), ticket, "Late remark")
    with pytest.raises(Conflict, match="archived"):
        tickets.assign(org.actor("alice"), ticket, org.sam.id)
    with pytest.raises(Conflict, match="archived"):
        attachments.add(org.actor("bob"), ticket, tmp_path, "late.txt", b"late")
    with pytest.raises(Conflict, match="already archived"):
        tickets.archive(org.actor("alice"), ticket)


def test_an_admin_takes_a_request_out_of_the_archive(org: Org) -> None:
    ticket = _finished(org, 100)
    tickets.archive_due(archive_policy.current())
    with pytest.raises(Forbidden):
        tickets.unarchive(org.actor("sam"), Ticket.get_by_id(ticket.id))
    back = tickets.unarchive(org.actor("alice"), Ticket.get_by_id(ticket.id))
    assert not back.archived and back.archived_at is None
    event = AuditEvent.select().where(AuditEvent.action == "unarchive").get()
    assert event.actor_id == org.alice.id and event.ticket_id == ticket.id
    tickets.add_comment(org.actor("sam"), back, "Editable again")
    with pytest.raises(Conflict, match="not archived"):
        tickets.unarchive(org.actor("alice"), back)
    assert tickets.archive_due(archive_policy.current()) == 0, "not archived again the next night"
    later = utcnow() + dt.timedelta(days=91)
    assert tickets.archive_due(archive_policy.current(), now=later) == 1, "but after the policy's days again"
    assert Ticket.select().count() == 1  # nothing was deleted on the way
