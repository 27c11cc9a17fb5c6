"""Each person's channel per event, and quiet hours outside the business calendar (a controllable clock)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from helpdesk.core import lifecycle, notify_prefs, outbox, sla, tickets
from helpdesk.core.errors import Forbidden, ValidationError
from helpdesk.db.models import OutboxMessage, Ticket, User
from tests.conftest import Org
from tests.core.test_outbox import Recorder

MSK = ZoneInfo("Europe/Moscow")


def rows(kind: str) -> list[tuple[str, str]]:
    return sorted((m.channel, m.address) for m in OutboxMessage.select().where(OutboxMessage.kind == kind))


def new_request(org: Org, priority: str = "normal") -> Ticket:
    return tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Broken", priority=priority))


def test_defaults_are_telegram_else_email(org: Org) -> None:
    User.update(email="sam@example.org").where(User.id == org.sam.id).execute()
    new_request(org)
    assert rows("ticket_created") == [("telegram", "1002")]


@pytest.mark.parametrize(("choice", "expected"), [
    ("email", [("email", "sam@example.org")]),
    ("both", [("email", "sam@example.org"), ("telegram", "1002")]),
    ("off", []),
    ("telegram", [("telegram", "1002")]),
])
def test_a_storekeeper_chooses_the_channel_for_new_requests(org: Org, choice: str, expected: list) -> None:
    User.update(email="sam@example.org").where(User.id == org.sam.id).execute()
    notify_prefs.save(org.actor("sam"), org.sam.id, {"new_request": choice}, quiet_hours=False)
    ticket = new_request(org)
    assert rows("ticket_created") == expected
    lifecycle.transition(org.actor("sam"), ticket, "accept")
    assert rows("status_changed") == [("telegram", "1004")], "the author's choices are their own"


def test_events_are_steered_apart(org: Org) -> None:
    notify_prefs.save(org.actor("bob"), org.bob.id, {"comment": "off"}, quiet_hours=False)
    ticket = new_request(org)
    tickets.add_comment(org.actor("sam"), ticket, "On my way")
    lifecycle.transition(org.actor("sam"), ticket, "accept")
    assert rows("comment_added") == [] and rows("status_changed") == [("telegram", "1004")]


def test_only_oneself_or_an_admin_saves_choices(org: Org) -> None:
    with pytest.raises(Forbidden):
        notify_prefs.save(org.actor("bob"), org.sam.id, {"comment": "off"}, quiet_hours=False)
    notify_prefs.save(org.actor("alice"), org.sam.id, {"comment": "off"}, quiet_hours=True)
    with pytest.raises(ValidationError):
        notify_prefs.save(org.actor("sam"), org.sam.id, {"comment": "pigeon"}, quiet_hours=False)
    assert notify_prefs.of(User.get_by_id(org.sam.id)) == notify_prefs.Preferences({"comment": "off"}, True)


def moscow(y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=MSK).astimezone(dt.UTC).replace(tzinfo=None)


def test_quiet_hours_hold_until_the_working_morning(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": moscow(2026, 12, 5, 12)}  # a Saturday noon
    monkeypatch.setattr(outbox, "utcnow", lambda: clock["now"])
    notify_prefs.save(org.actor("sam"), org.sam.id, {}, quiet_hours=True)
    ticket = new_request(org)
    urgent = new_request(org, priority="urgent")
    held = OutboxMessage.get((OutboxMessage.ticket == ticket) & (OutboxMessage.kind == "ticket_created"))
    assert held.due_at == moscow(2026, 12, 7, 9), "Monday's opening"
    telegram = Recorder()
    assert outbox.deliver_due({"telegram": telegram}).sent == 1, "the urgent one is not held"
    assert telegram.sent == [OutboxMessage.get((OutboxMessage.ticket == urgent)
                                               & (OutboxMessage.kind == "ticket_created")).id]
    with outbox.changes():  # SLA reminders are never held
        outbox.notify([User.get_by_id(org.sam.id)], "sla_reminder", {"number": ticket.number}, ticket=ticket)
    assert outbox.deliver_due({"telegram": telegram}).sent == 1
    clock["now"] = moscow(2026, 12, 7, 8, 59)
    assert outbox.deliver_due({"telegram": telegram}).sent == 0
    clock["now"] = moscow(2026, 12, 7, 9, 1)
    assert outbox.deliver_due({"telegram": telegram}).sent == 1 and telegram.sent[-1] == held.id
    assert sla.next_working_moment(moscow(2026, 12, 7, 10), sla.load_calendar()) == moscow(2026, 12, 7, 10)
