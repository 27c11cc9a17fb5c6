"""Requests counted over spans of time from the daily rollup (`report_day`, migration 0026).

A span's count is the rollup's whole UTC days plus the edges from the requests themselves: with P(b) the
requests in [b's UTC midnight, b), the count in [b0, b1) is the sum of the days from b0's day up to
(not including) b1's day, minus P(b0), plus P(b1). The organisation's midnights are seldom UTC ones,
so each bound costs a few hours of requests, read in one query for all bounds; the same numbers as
counting the requests, which the tests check against each other.

The rollup knows warehouse, type and status: a branch's reports (its filter or a branch user's scope)
and the cartridge filter count the requests instead (a branch's requests are few).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import peewee as pw

from helpdesk.core import fields
from helpdesk.core.actors import Actor
from helpdesk.core.visibility import require_active
from helpdesk.db.models import ReportDay, Ticket, TicketType

if TYPE_CHECKING:
    from helpdesk.core.reports import ReportFilter

KINDS = {"created_at": 0, "resolved_at": 1}
GROUPS = {"type": (ReportDay.type_id, Ticket.type), "status": (ReportDay.status, Ticket.status)}
Key = tuple[object, ...]


def serves(actor: Actor, flt: ReportFilter) -> bool:
    """Whether the rollup can answer for this actor and filter."""
    if flt.branch_id is not None or flt.cartridge_id is not None:
        return False
    return actor.is_admin or (actor.role == "storekeeper" and actor.user.warehouse_id is not None)


def span_counts(actor: Actor, flt: ReportFilter, column: pw.Field, bounds: Sequence[dt.datetime],
                group: Sequence[str], requests: Callable[..., pw.ModelSelect]) -> list[Counter[Key]] | None:
    """Requests per span [bounds[i], bounds[i + 1]) by `column` (created_at or resolved_at), per group
    (names from GROUPS), or None when the rollup cannot answer. `requests(*columns)` is the actor's
    filtered requests (no time condition): it reads the edges."""
    require_active(actor)
    days = [b.date() for b in bounds]
    if not serves(actor, flt) or _overlap(bounds):
        return None
    spans: list[Counter[Key]] = [Counter() for _ in range(len(bounds) - 1)]
    by_day = len(spans) > 1  # one span needs no days told apart: the database sums them
    for row in _days(actor, flt, column, days[0], days[-1], [GROUPS[g][0] for g in group], by_day):
        i = bisect.bisect_right(days, row[0]) - 1 if by_day else 0
        if 0 <= i < len(spans):
            spans[i][tuple(row[1 if by_day else 0:-1])] += int(row[-1] or 0)
    for j, key, n in _prefixes(column, bounds, [GROUPS[g][1] for g in group], requests):
        if j > 0:
            spans[j - 1][key] += n
        if j < len(spans):
            spans[j][key] -= n
    return spans


def _overlap(bounds: Sequence[dt.datetime]) -> bool:
    # The edges are read in one query only if no two bounds share a UTC day (the periods' days do not).
    return any(later.date() <= earlier.date() for earlier, later in zip(bounds, bounds[1:], strict=False))


def _days(actor: Actor, flt: ReportFilter, column: pw.Field, first: dt.date, end: dt.date,
          keys: list[pw.Field], by_day: bool) -> list[tuple[object, ...]]:
    if end <= first:
        return []
    keys = [ReportDay.day, *keys] if by_day else keys
    query = (ReportDay.select(*keys, pw.fn.SUM(ReportDay.n))
             .where((ReportDay.kind == KINDS[column.name]) & (ReportDay.day >= first) & (ReportDay.day < end)))
    if actor.role == "storekeeper" and not actor.is_admin:
        query = query.where(ReportDay.warehouse_id == actor.user.warehouse_id)
    if flt.warehouse_id is not None:
        query = query.where(ReportDay.warehouse_id == fields.db_id(flt.warehouse_id))
    if flt.type_code:
        query = query.where(ReportDay.type_id.in_(TicketType.select(TicketType.id).where(
            TicketType.code == fields.clean_text(flt.type_code))))
    if flt.statuses:
        query = query.where(ReportDay.status.in_(flt.statuses))
    return list(query.group_by(*keys).tuples() if keys else query.tuples())


def _prefixes(column: pw.Field, bounds: Sequence[dt.datetime], keys: list[pw.Field],
              requests: Callable[..., pw.ModelSelect]) -> list[tuple[int, Key, int]]:
    """(bound's index, group, count) of the requests in [bound's UTC midnight, bound), for every bound
    that is not a UTC midnight: one query, the ranges told apart by the first bound above the time."""
    edges = [(i, b) for i, b in enumerate(bounds) if b.time() != dt.time(0)]
    if not edges:
        return []
    from helpdesk.core.reports import group_key  # reports imports this module

    which = pw.Case(None, [(column < b, i) for i, b in edges])
    inside = functools.reduce(operator.or_, [
        (column >= dt.datetime.combine(b.date(), dt.time(0))) & (column < b) for _, b in edges])
    # By position: the CASE's parameters would not match a GROUP BY repeating them (PostgreSQL).
    positions = [pw.SQL(str(i + 1)) for i in range(len(keys) + 1)]
    query = requests(which, *map(group_key, keys), pw.fn.COUNT(Ticket.id)).where(inside).group_by(*positions)
    return [(int(row[0]), tuple(row[1:-1]), int(row[-1])) for row in query.tuples()]
