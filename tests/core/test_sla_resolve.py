"""The resolve deadline: reminded then escalated once per level, across restarts and overlapping sweeps."""

from __future__ import annotations

import datetime as dt
import threading

from helpdesk.core import cache, lifecycle, org_settings, sla, tickets
from helpdesk.db.database import db
from helpdesk.db.models import OutboxMessage, Ticket
from tests.conftest import Org


def _accepted(org: Org, count: int = 1) -> list[Ticket]:
    made = []
    for _ in range(count):
        ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer is dead"))
        made.append(lifecycle.transition(org.actor("sam"), ticket, "accept"))
    return made


def _kinds(ticket: Ticket) -> list[tuple[str, str]]:
    return [(m.kind, m.address) for m in OutboxMessage.select().where(
        (OutboxMessage.ticket == ticket) & OutboxMessage.kind.startswith("resolve_")).order_by(OutboxMessage.id)]


def test_resolve_reminder_then_escalation_once_each(org: Org) -> None:
    (ticket,) = _accepted(org)
    due = ticket.resolve_due_at
    assert sla.sweep(now=due - dt.timedelta(minutes=1)) == {"reminded": 0, "escalated": 0}
    assert sla.sweep(now=due + dt.timedelta(minutes=1)) == {"reminded": 1, "escalated": 0}
    cache.invalidate()  # as after a restart: nothing kept in memory decides
    assert sla.sweep(now=due + dt.timedelta(minutes=2)) == {"reminded": 0, "escalated": 0}, "sent once"
    assert sla.sweep(now=due + dt.timedelta(minutes=61)) == {"reminded": 0, "escalated": 1}
    assert sla.sweep(now=due + dt.timedelta(days=3)) == {"reminded": 0, "escalated": 0}
    assert _kinds(ticket) == [("resolve_reminder", "1002"), ("resolve_escalation", "1001")]
    stored = Ticket.get_by_id(ticket.id)
    assert (stored.sla_level, stored.resolve_sla_level) == (0, 2), "the accept deadline was kept"


def test_resolved_requests_are_not_reminded(org: Org) -> None:
    (ticket,) = _accepted(org)
    lifecycle.transition(org.actor("sam"), ticket, "resolve")
    assert sla.sweep(now=ticket.resolve_due_at + dt.timedelta(days=1)) == {"reminded": 0, "escalated": 0}


def _two_sweeps_at_once(now: dt.datetime) -> list[dict[str, int]]:
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(sla.sweep(now=now))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:1]
    return results


def test_two_overlapping_sweeps_send_each_level_once(org: Org) -> None:
    made = _accepted(org, 6)
    now = max(t.resolve_due_at for t in made) + dt.timedelta(minutes=1)
    assert sum(r["reminded"] for r in _two_sweeps_at_once(now)) == 6
    assert sum(r["escalated"] for r in _two_sweeps_at_once(now + dt.timedelta(hours=2))) == 6
    for ticket in made:
        assert _kinds(ticket) == [("resolve_reminder", "1002"), ("resolve_escalation", "1001")]


def test_policy_change_moves_open_deadlines(org: Org) -> None:
    (accepted,) = _accepted(org)
    new = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Chair"))
    closed = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Desk"))
    lifecycle.transition(org.actor("bob"), closed, "cancel")
    before = {t.id: Ticket.get_by_id(t.id) for t in (accepted, new, closed)}
    values = {f"{kind}_{row.ticket_type.id}": str(getattr(row, f"{kind}_minutes"))
              for row in org_settings.sla_rows() for kind in ("accept", "resolve", "escalate")}
    repair = next(r.ticket_type.id for r in org_settings.sla_rows() if r.ticket_type.code == "repair")
    values[f"accept_{repair}"], values[f"resolve_{repair}"] = "120", "9000"
    org_settings.save_sla(org.actor("alice"), values)
    after = {t.id: Ticket.get_by_id(t.id) for t in (accepted, new, closed)}
    for ticket in (accepted, new):
        expected = sla.due_times(ticket.type_id, before[ticket.id].created_at)
        assert (after[ticket.id].accept_due_at, after[ticket.id].resolve_due_at) == expected
        assert after[ticket.id].resolve_due_at > before[ticket.id].resolve_due_at
    assert after[closed.id].resolve_due_at == before[closed.id].resolve_due_at, "finished requests keep theirs"


def test_public_holidays_fill_the_calendar(org: Org) -> None:
    added = org_settings.import_public_holidays(org.actor("alice"), "ru", 2025)
    assert added > 10
    calendar = sla.load_calendar()
    assert dt.date(2025, 1, 7) in calendar.holidays and not calendar.is_work_day(dt.date(2025, 5, 2))
    assert calendar.is_work_day(dt.date(2025, 11, 1)), "a Saturday made a working day"
    assert org_settings.import_public_holidays(org.actor("alice"), "RU", 2025) == 0, "kept as they are"
