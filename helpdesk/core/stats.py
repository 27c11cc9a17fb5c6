"""Dashboard figures: today's numbers, SLA watch, requests per day, open requests by type and branch.

Everything goes through `visibility.scope`, so a branch sees its own numbers only. Days are the
organisation's days (its time zone), counted in Python so the same code serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import peewee as pw

from helpdesk.core.actors import Actor
from helpdesk.core.lifecycle import AWAITING_CONFIRMATION, OPEN_STATUSES
from helpdesk.core.reports import group_key, parse_hour, utc_hour
from helpdesk.core.sla import sla_condition_parts
from helpdesk.core.tickets import counts_by_status
from helpdesk.core.visibility import scope
from helpdesk.db.models import Branch, Ticket, TicketType, not_archived, utcnow
from helpdesk.formatting import organisation_zone


@dataclass(frozen=True)
class SlaWatch:
    breached: int  # accept or resolve deadline passed
    due_soon: int  # a deadline comes within DUE_SOON


@dataclass(frozen=True)
class OpenCounts:
    by_status: dict[str, int]  # each open status, in lifecycle order
    awaiting: int  # resolved, waiting for the author's confirmation: counted apart from the open ones

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Day:
    day: dt.date
    created: int
    resolved: int


def _visible(actor: Actor, *fields: pw.Field) -> pw.ModelSelect:
    return scope(Ticket.select(*fields), actor).where(not_archived())


def _visible_in_time(actor: Actor, *fields: pw.Field) -> pw.ModelSelect:
    # For a range of times: "NOT archived" on purpose, so that SQLite (no statistics) walks the time's
    # index rather than every current request by the archived flag's equality.
    return scope(Ticket.select(*fields), actor).where(~Ticket.archived)


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    zone = organisation_zone()
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC).replace(tzinfo=None)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).replace(tzinfo=dt.UTC).astimezone(organisation_zone()).date()


def open_counts(actor: Actor) -> OpenCounts:
    """Open requests per status, and apart from them those awaiting the author's confirmation."""
    counts = counts_by_status(actor)
    return OpenCounts({s: counts[s] for s in OPEN_STATUSES}, sum(counts[s] for s in AWAITING_CONFIRMATION))


def sla_watch(actor: Actor, now: dt.datetime | None = None) -> SlaWatch:
    """How many of the actor's requests are overdue or due soon: the requests list's SLA filter, counted."""
    now = now or utcnow()
    return SlaWatch(breached=_count_sla(actor, "overdue", now), due_soon=_count_sla(actor, "due_soon", now))


def _count_sla(actor: Actor, state: str, now: dt.datetime) -> int:
    # One count per deadline (the halves never overlap): each walks its (archived, status, due) index.
    return sum(_visible(actor).where(part).count() for part in sla_condition_parts(state, now))


def today(actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Created and resolved since the organisation's midnight."""
    since = _local_midnight_utc(local_today(now))
    return {"created": _visible_in_time(actor).where(Ticket.created_at >= since).count(),
            "resolved": _visible_in_time(actor).where(Ticket.resolved_at >= since).count()}


def per_day(actor: Actor, days: int = 30, now: dt.datetime | None = None) -> list[Day]:
    """Created and resolved per local day, the last `days` days, oldest first (empty days included)."""
    last = local_today(now)
    first = last - dt.timedelta(days=days - 1)
    since = _local_midnight_utc(first)
    zone = organisation_zone()

    def local_day(value: dt.datetime) -> dt.date:
        return value.replace(tzinfo=dt.UTC).astimezone(zone).date()

    def per_local_day(column: pw.Field) -> Counter[dt.date]:
        # Counted per UTC hour in SQL (a few hundred groups, not a row per request), then moved to local days.
        hour = utc_hour(column)
        counts: Counter[dt.date] = Counter()
        for stamp, n in _visible_in_time(actor, hour, pw.fn.COUNT(Ticket.id)).where(column >= since).group_by(
                hour).tuples():
            counts[local_day(parse_hour(stamp))] += n
        return counts

    created, resolved = per_local_day(Ticket.created_at), per_local_day(Ticket.resolved_at)
    return [Day(first + dt.timedelta(days=i), created[first + dt.timedelta(days=i)],
                resolved[first + dt.timedelta(days=i)]) for i in range(days)]


def open_by_type(actor: Actor) -> list[tuple[TicketType, int]]:
    # Grouped by an expression: by the bare column SQLite walked the whole (type, created) index to
    # skip a sort (2 s at a million) instead of the open requests' stretch of (archived, status, type).
    key = group_key(Ticket.type)
    counts = dict(_visible(actor, key, pw.fn.COUNT(Ticket.id))
                  .where(Ticket.status.in_(OPEN_STATUSES)).group_by(key).tuples())
    return [(t, counts[t.id]) for t in TicketType.select().order_by(TicketType.sort) if counts.get(t.id)]


def open_by_branch(actor: Actor, limit: int = 10) -> list[tuple[Branch, int]]:
    """The branches with most open requests (admins and storekeepers see several; a branch sees itself)."""
    rows = (_visible(actor, Ticket.branch, pw.fn.COUNT(Ticket.id).alias("n"))
            .where(Ticket.status.in_(OPEN_STATUSES)).group_by(Ticket.branch)
            .order_by(pw.fn.COUNT(Ticket.id).desc()).limit(limit).tuples())
    counts = dict(rows)
    branches = {b.id: b for b in Branch.select().where(Branch.id.in_(list(counts)))} if counts else {}
    return [(branches[branch_id], n) for branch_id, n in counts.items() if branch_id in branches]
