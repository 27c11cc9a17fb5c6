"""Reports: cartridges per branch and model, requests by type and status, lead times, SLA, backlog, trends.

Every figure is an SQL aggregate over the actor's requests (`visibility.scope`) on SQLite and
PostgreSQL alike: sums and CASE counts, and percentiles (nearest rank) from the period's minutes sorted
here, so both engines give the same numbers. Requests by type and status and the trend read the daily
rollup (`core/rollup.py`) for whole UTC days. A period
is a range of the organisation's days (its time zone), turned into UTC bounds once. Archived requests
count: the archive hides old requests from lists, not from history.

Lead times are the business minutes (the SLA calendar) stored on each request when it was accepted
and resolved (`Ticket.accept_minutes`, `resolve_minutes`; see `sla.store_durations`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import peewee as pw

from helpdesk.core import fields, rollup
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Forbidden, ValidationError
from helpdesk.core.lifecycle import OPEN_STATUSES, STATUSES
from helpdesk.core.visibility import scope
from helpdesk.db.database import is_sqlite
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    OrderLine,
    Printer,
    PrinterModel,
    Ticket,
    TicketType,
    Warehouse,
    not_archived,
    utcnow,
)
from helpdesk.formatting import organisation_zone

PRESETS = ("month", "last_month", "quarter", "last_quarter", "year", "custom")
PRESET_LABELS = {"month": N_("This month"), "last_month": N_("Last month"), "quarter": N_("This quarter"),
                 "last_quarter": N_("Last quarter"), "year": N_("This year"), "custom": N_("Custom period")}
# Open backlog by age: (label, from days, to days); the last bucket has no end.
AGE_BUCKETS = ((N_("Under a day"), 0, 1), (N_("1–3 days"), 1, 3), (N_("3–7 days"), 3, 7),
               (N_("7–30 days"), 7, 30), (N_("Over 30 days"), 30, None))
MAX_BREACHES = 500  # the breaches list shows the newest ones; the counts cover all
TREND_MONTHS = 12
MAX_DAYS = 3 * 366  # a custom period longer than this is refused (and the trend covers a year)


@dataclass(frozen=True)
class Period:
    """A range of the organisation's days, both ends included."""

    first: dt.date
    last: dt.date
    preset: str = "custom"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as naive-UTC [start, end): the organisation's midnights."""
        return local_midnight_utc(self.first), local_midnight_utc(self.last + dt.timedelta(days=1))


def local_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), organisation_zone()).astimezone(dt.UTC).replace(tzinfo=None)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).replace(tzinfo=dt.UTC).astimezone(organisation_zone()).date()


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def period(preset: str = "month", first: dt.date | None = None, last: dt.date | None = None,
           today: dt.date | None = None) -> Period:
    """A preset period around `today` (the organisation's), or a custom one from `first` to `last`."""
    today = today or local_today()
    if preset == "custom":
        if first is None or last is None:
            raise ValidationError(N_("Give the first and the last day of the period."), field="from")
        if last < first:
            raise ValidationError(N_("The period ends before it starts."), field="to")
        if (last - first).days > MAX_DAYS:
            raise ValidationError(N_("The period is too long (three years at most)."), field="from")
        return Period(first, last, "custom")
    if preset == "month":
        start = month_start(today)
        return Period(start, month_start(today, -1) - dt.timedelta(days=1), preset)
    if preset == "last_month":
        return Period(month_start(today, 1), month_start(today) - dt.timedelta(days=1), preset)
    quarter = month_start(today, (today.month - 1) % 3)
    if preset == "quarter":
        return Period(quarter, month_start(quarter, -3) - dt.timedelta(days=1), preset)
    if preset == "last_quarter":
        return Period(month_start(quarter, 3), quarter - dt.timedelta(days=1), preset)
    if preset == "year":
        return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), preset)
    raise ValidationError(N_("Unknown period."), field="period")


@dataclass(frozen=True)
class ReportFilter:
    period: Period
    branch_id: int | None = None
    warehouse_id: int | None = None
    type_code: str | None = None
    cartridge_id: int | None = None
    statuses: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for status in self.statuses:
            if status not in STATUSES:
                raise ValidationError(N_("Unknown status %(status)s."), field="status", status=status)


def _where(query: pw.ModelSelect, actor: Actor, flt: ReportFilter, by: pw.Field | None = Ticket.created_at,
           statuses: bool = True) -> pw.ModelSelect:
    """The actor's requests matching the filters, with `by` (a time column) inside the period."""
    query = scope(query, actor)
    if by is not None:
        start, end = flt.period.bounds()
        query = query.where((by >= start) & (by < end))
    if flt.branch_id is not None:
        query = query.where(Ticket.branch == fields.db_id(flt.branch_id))
    if flt.warehouse_id is not None:
        query = query.where(Ticket.warehouse == fields.db_id(flt.warehouse_id))
    if flt.type_code:
        query = query.where(Ticket.type.in_(TicketType.select(TicketType.id)
                                            .where(TicketType.code == fields.clean_text(flt.type_code))))
    if flt.cartridge_id is not None:
        query = query.where(Ticket.id.in_(OrderLine.select(OrderLine.ticket)
                                          .where(OrderLine.cartridge == fields.db_id(flt.cartridge_id))))
    if statuses and flt.statuses:
        query = query.where(Ticket.status.in_(flt.statuses))
    return query


def group_key(column: pw.Field) -> pw.Node:
    """A column to group by, as an expression (unary plus): SQLite, without statistics, would otherwise
    walk a whole index that starts with the column (to skip a sort) instead of the period's stretch of
    the time's index; sorting the period's few groups is cheap. PostgreSQL reads it the same. Text
    columns get an empty string appended (PostgreSQL has no unary plus on text)."""
    if isinstance(column, pw.CharField):
        return pw.NodeList((column, pw.SQL("|| ''")))
    return pw.NodeList((pw.SQL("+"), column), glue="")


def _count_if(condition: pw.Expression) -> pw.Expression:
    return pw.fn.SUM(pw.Case(None, [(condition, 1)], 0))


# --- cartridges -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CartridgeRow:
    key: int  # the branch's or the cartridge model's id
    name: str
    code: str  # the branch code, or the model's article
    ordered: int
    shipped: int


def _line_sums(actor: Actor, flt: ReportFilter, group: pw.Field, by: pw.Field) -> dict[int, int]:
    # The period's requests (a stretch of a time's covering index), each request's order lines found by
    # the lines' (ticket, cartridge, quantity) index. SQLite walks a plain join so. PostgreSQL turns any
    # join or IN (subquery) of the two tables into a hash join reading every order line of every year,
    # so per branch it gets a subquery per request (1.6x faster at a million, measured interleaved);
    # per model it still hashes (a request's lines per model need the join).
    requests = _where(Ticket.select(), actor, flt, by=by)
    if by is Ticket.created_at:
        requests = requests.where(Ticket.status != "cancelled")
    key = group_key(group)
    lines = OrderLine.cartridge == fields.db_id(flt.cartridge_id) if flt.cartridge_id is not None else None
    if group.model is Ticket and not is_sqlite():
        quantity = OrderLine.select(pw.fn.SUM(OrderLine.quantity)).where(OrderLine.ticket == Ticket.id)
        query = requests.select(key, pw.fn.SUM(quantity.where(lines) if lines is not None else quantity))
    else:
        query = requests.select(key, pw.fn.SUM(OrderLine.quantity)).join(OrderLine, on=(OrderLine.ticket == Ticket.id))
        if lines is not None:
            query = query.where(lines)
    # A request without lines adds NULL to its branch's sum: a branch with none is left out, as by the join.
    return {k: int(total) for k, total in query.group_by(key).tuples() if total is not None}


def _cartridges(actor: Actor, flt: ReportFilter, group: pw.Field) -> tuple[dict[int, int], dict[int, int]]:
    """Quantities ordered (in requests created in the period, cancelled ones aside) and shipped (in
    requests resolved in the period)."""
    return _line_sums(actor, flt, group, Ticket.created_at), _line_sums(actor, flt, group, Ticket.resolved_at)


def cartridges_by_branch(actor: Actor, flt: ReportFilter) -> list[CartridgeRow]:
    ordered, shipped = _cartridges(actor, flt, Ticket.branch)
    keys = set(ordered) | set(shipped)
    branches = {b.id: b for b in Branch.select().where(Branch.id.in_(list(keys)))} if keys else {}
    rows = [CartridgeRow(k, branches[k].name, branches[k].code, ordered.get(k, 0), shipped.get(k, 0))
            for k in keys if k in branches]
    return sorted(rows, key=lambda r: (-r.ordered, -r.shipped, r.code))


def cartridges_by_model(actor: Actor, flt: ReportFilter) -> list[CartridgeRow]:
    ordered, shipped = _cartridges(actor, flt, OrderLine.cartridge)
    keys = set(ordered) | set(shipped)
    models = {m.id: m for m in CartridgeModel.select().where(CartridgeModel.id.in_(list(keys)))} if keys else {}
    rows = [CartridgeRow(k, models[k].name, models[k].article, ordered.get(k, 0), shipped.get(k, 0))
            for k in keys if k in models]
    return sorted(rows, key=lambda r: (-r.ordered, -r.shipped, r.name))


# --- requests by type and status ----------------------------------------------------------------------

@dataclass(frozen=True)
class TypeStatusRow:
    type: TicketType
    by_status: dict[str, int]  # every status, zeros included

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _rolled(actor: Actor, flt: ReportFilter, column: pw.Field, bounds: list[dt.datetime],
            group: tuple[str, ...] = ()) -> list[Counter[rollup.Key]] | None:
    """Counts per span from the daily rollup, or None where it cannot answer (see core/rollup.py)."""
    return rollup.span_counts(actor, flt, column, bounds, group,
                              lambda *columns: _where(Ticket.select(*columns), actor, flt, by=None))


def requests_by_type_status(actor: Actor, flt: ReportFilter) -> list[TypeStatusRow]:
    """Requests created in the period, per type and status."""
    rolled = _rolled(actor, flt, Ticket.created_at, list(flt.period.bounds()), ("type", "status"))
    if rolled is not None:
        counts: dict[int, dict[str, int]] = {}
        for (type_id, status), n in rolled[0].items():
            if n:
                counts.setdefault(type_id, dict.fromkeys(STATUSES, 0))[status] = n
        return _type_rows(counts)
    # Grouped by expressions: by the bare columns SQLite skip-scanned the (type, created) index and read
    # each request's row for its status, where the period's stretch of a covering index has both.
    keys = (group_key(Ticket.type), group_key(Ticket.status))
    query = _where(Ticket.select(*keys, pw.fn.COUNT(Ticket.id)), actor, flt)
    counts: dict[int, dict[str, int]] = {}
    for type_id, status, n in query.group_by(*keys).tuples():
        counts.setdefault(type_id, dict.fromkeys(STATUSES, 0))[status] = n
    return _type_rows(counts)


def _type_rows(counts: dict[int, dict[str, int]]) -> list[TypeStatusRow]:
    types = TicketType.select().where(TicketType.id.in_(list(counts))).order_by(TicketType.sort, TicketType.id)
    return [TypeStatusRow(t, counts[t.id]) for t in types] if counts else []


# --- lead times ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadTime:
    count: int = 0
    median: int | None = None  # business minutes
    p90: int | None = None


@dataclass(frozen=True)
class LeadTimeRow:
    key: int | None  # branch or type id; None for the whole
    name: str
    accept: LeadTime
    resolve: LeadTime


def _percentiles(actor: Actor, flt: ReportFilter, group: pw.Field | None) -> tuple[dict[Any, LeadTime],
                                                                                    dict[Any, LeadTime]]:
    """Median and p90 (nearest rank: the value at position ceil(p * n) of the sorted values) of the
    accept and the resolve minutes, per group (overall: one group, keyed 0).

    One pass over the period's requests reads both columns from the covering index of 0018/0022 and
    sorts each group's values here: exact, the same on both engines. Grouping by (group, minutes) in SQL
    gained nothing at this grain (a branch has a few requests per minute value, so the groups were
    nearly the rows) and cost a sort per column; rows come as raw tuples, since peewee's per-row
    conversion was most of the time at a million requests."""
    keys = [group_key(group)] if group is not None else [pw.SQL("0")]
    query = _where(Ticket.select(*keys, Ticket.accept_minutes, Ticket.resolve_minutes), actor, flt).where(
        Ticket.accept_minutes.is_null(False) | Ticket.resolve_minutes.is_null(False))
    accepts: dict[Any, list[int]] = {}
    resolves: dict[Any, list[int]] = {}
    for g, accept, resolve in Ticket._meta.database.execute_sql(*query.sql()).fetchall():
        if accept is not None:
            accepts.setdefault(g, []).append(accept)
        if resolve is not None:
            resolves.setdefault(g, []).append(resolve)
    return _ranks(accepts), _ranks(resolves)


def _ranks(values: dict[Any, list[int]]) -> dict[Any, LeadTime]:
    result = {}
    for g, group_values in values.items():
        group_values.sort()
        total = len(group_values)
        result[g] = LeadTime(total, int(group_values[(total * 50 + 99) // 100 - 1]),
                             int(group_values[(total * 90 + 99) // 100 - 1]))
    return result


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def lead_times(actor: Actor, flt: ReportFilter, by: str = "branch") -> list[LeadTimeRow]:
    """Created → accepted and created → resolved, median and p90 in business minutes, for requests
    created in the period: per branch (`by="branch"`), per type (`"type"`), or overall (`"all"`)."""
    group = {"branch": Ticket.branch, "type": Ticket.type, "all": None}[by]
    accept, resolve = _percentiles(actor, flt, group)
    keys = set(accept) | set(resolve)
    if by == "all":
        return [LeadTimeRow(None, "", accept.get(0, LeadTime()), resolve.get(0, LeadTime()))] if keys else []
    model = Branch if by == "branch" else TicketType
    names = {row.id: row for row in model.select().where(model.id.in_(list(keys)))} if keys else {}
    rows = [LeadTimeRow(k, _name(names[k]), accept.get(k, LeadTime()), resolve.get(k, LeadTime()))
            for k in keys if k in names]
    return sorted(rows, key=lambda r: r.name)


def _name(row: Branch | TicketType) -> str:
    return row.name if isinstance(row, Branch) else row.code


# --- SLA --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SlaRow:
    key: int | None  # branch id; None for the whole
    name: str
    accept_due: int  # requests whose accept deadline was decided (accepted, or passed unaccepted)
    accept_met: int
    resolve_due: int
    resolve_met: int

    @staticmethod
    def _percent(met: int, due: int) -> float | None:
        return round(100 * met / due, 1) if due else None

    @property
    def accept_percent(self) -> float | None:
        return self._percent(self.accept_met, self.accept_due)

    @property
    def resolve_percent(self) -> float | None:
        return self._percent(self.resolve_met, self.resolve_due)


def _sla_conditions(now: dt.datetime) -> dict[str, pw.Expression]:
    """Which deadlines are decided and which were met: a request accepted (resolved) by its deadline met
    it; one accepted (resolved) late, or still waiting after the deadline, missed it."""
    accepted, resolved = Ticket.accepted_at.is_null(False), Ticket.resolved_at.is_null(False)
    waiting_accept = (Ticket.status == "new") & (Ticket.accept_due_at <= now)
    waiting_resolve = Ticket.status.in_(OPEN_STATUSES) & (Ticket.resolve_due_at <= now)
    return {
        "accept_due": Ticket.accept_due_at.is_null(False) & (accepted | waiting_accept),
        "accept_met": accepted & (Ticket.accepted_at <= Ticket.accept_due_at),
        "resolve_due": Ticket.resolve_due_at.is_null(False) & (resolved | waiting_resolve),
        "resolve_met": resolved & (Ticket.resolved_at <= Ticket.resolve_due_at),
    }


def sla_compliance(actor: Actor, flt: ReportFilter, now: dt.datetime | None = None) -> list[SlaRow]:
    """SLA compliance per branch for requests created in the period; the first row is the whole."""
    cond = _sla_conditions(now or utcnow())
    branch = group_key(Ticket.branch)
    query = _where(Ticket.select(branch, *(_count_if(c) for c in cond.values())), actor, flt)
    counts = {row[0]: [int(x or 0) for x in row[1:]] for row in query.group_by(branch).tuples()}
    branches = {b.id: b for b in Branch.select().where(Branch.id.in_(list(counts)))} if counts else {}
    rows = sorted((SlaRow(k, branches[k].name, *v) for k, v in counts.items() if k in branches),
                  key=lambda r: r.name)
    total = SlaRow(None, "", *(sum(r[i] for r in counts.values()) for i in range(4)))
    return [total, *rows]


def breaches(actor: Actor, flt: ReportFilter, now: dt.datetime | None = None,
             limit: int = MAX_BREACHES) -> list[Ticket]:
    """Requests created in the period that missed a deadline (decided and not met), newest first."""
    cond = _sla_conditions(now or utcnow())
    missed = (cond["accept_due"] & ~cond["accept_met"]) | (cond["resolve_due"] & ~cond["resolve_met"])
    query = _where(Ticket.select(Ticket, Branch, TicketType).join(Branch).switch(Ticket).join(TicketType),
                   actor, flt).where(missed)
    return list(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit))


# --- backlog, printers, trend, heat map --------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    label: str
    created_from: dt.datetime | None  # naive UTC bounds of the creation time, for links to the list
    created_to: dt.datetime | None
    count: int


def backlog(actor: Actor, flt: ReportFilter, now: dt.datetime | None = None) -> list[Bucket]:
    """Open requests now (new, accepted, in progress) by age; the period does not apply, the filters do."""
    now = now or utcnow()
    edges = []
    for label, low, high in AGE_BUCKETS:
        newest = now - dt.timedelta(days=low)
        oldest = now - dt.timedelta(days=high) if high is not None else None
        cond = Ticket.created_at <= newest if oldest is None else (
            (Ticket.created_at <= newest) & (Ticket.created_at > oldest))
        edges.append((label, oldest, newest, cond))
    query = _where(Ticket.select(*(_count_if(e[3]) for e in edges)), actor, flt, by=None, statuses=False)
    query = query.where(Ticket.status.in_(OPEN_STATUSES) & not_archived())
    counts = query.tuples().get()
    return [Bucket(label, oldest, newest, int(n or 0)) for (label, oldest, newest, _), n in zip(edges, counts,
                                                                                                 strict=True)]


@dataclass(frozen=True)
class PrinterRow:
    printer_id: int
    model: str
    inventory_number: str
    location: str
    branch: str
    repairs: int


def top_printers(actor: Actor, flt: ReportFilter, limit: int = 10) -> list[PrinterRow]:
    """The printers with most requests in the period (repairs, maintenance: whatever names a printer)."""
    count = pw.fn.COUNT(Ticket.id)
    printer = group_key(Ticket.printer)
    query = _where(Ticket.select(printer, count), actor, flt).where(Ticket.printer.is_null(False))
    rows = list(query.group_by(printer).order_by(count.desc(), printer).limit(limit).tuples())
    printers = {p.id: p for p in Printer.select(Printer, PrinterModel, Branch).join(PrinterModel).switch(Printer)
                .join(Branch).where(Printer.id.in_([r[0] for r in rows]))} if rows else {}
    return [PrinterRow(pid, printers[pid].model.name, printers[pid].inventory_number, printers[pid].location,
                       printers[pid].branch.name, n) for pid, n in rows if pid in printers]


@dataclass(frozen=True)
class Month:
    first: dt.date
    created: int
    resolved: int


def trend(actor: Actor, flt: ReportFilter, months: int = TREND_MONTHS) -> list[Month]:
    """Created and resolved per month, the `months` months up to the period's last, oldest first."""
    starts = [month_start(flt.period.last, back) for back in range(months - 1, -1, -1)]
    bounds = [local_midnight_utc(first) for first in [*starts, month_start(starts[-1], -1)]]
    created, resolved = (_rolled(actor, flt, column, bounds) for column in (Ticket.created_at, Ticket.resolved_at))
    if created is not None and resolved is not None:
        return [Month(starts[i], created[i][()], resolved[i][()]) for i in range(months)]
    spans = [replace(flt, period=Period(first, month_start(first, -1) - dt.timedelta(days=1))) for first in starts]

    def per_month(column: pw.Field) -> list[int]:
        # One COUNT per month: each reads its month's stretch of the time's index, where one query of
        # twelve CASE sums evaluated them all on every row of the year (2 s at a million requests).
        return [_where(Ticket.select(), actor, span, by=column).count() for span in spans]

    created, resolved = per_month(Ticket.created_at), per_month(Ticket.resolved_at)
    return [Month(starts[i], created[i], resolved[i]) for i in range(months)]


def heat_map(actor: Actor, flt: ReportFilter) -> list[list[int]]:
    """Requests created in the period by local weekday (rows, Monday first) and hour (columns).

    Hours are counted per UTC hour in SQL and shifted to the organisation's zone here, one UTC hour at a
    time, so daylight-saving changes land right and the rows read are at most the period's hours."""
    start, end = flt.period.bounds()
    hour = utc_hour(Ticket.created_at)
    query = _where(Ticket.select(hour, pw.fn.COUNT(Ticket.id)), actor, flt).group_by(hour)
    grid = [[0] * 24 for _ in range(7)]
    zone = organisation_zone()
    for stamp, n in query.tuples():
        moment = parse_hour(stamp).replace(tzinfo=dt.UTC).astimezone(zone)
        grid[moment.weekday()][moment.hour] += n
    return grid


def utc_hour(column: pw.Field) -> pw.Expression:
    """The UTC hour a time falls in, to group by (the engines spell it differently)."""
    if is_sqlite():
        return pw.fn.strftime(pw.SQL("'%Y-%m-%d %H:00:00'"), column)
    return pw.fn.date_trunc(pw.SQL("'hour'"), column)  # a literal: a parameter would not match GROUP BY


def parse_hour(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


# --- everything at once -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    filter: ReportFilter
    by_branch: list[CartridgeRow]
    by_model: list[CartridgeRow]
    by_type_status: list[TypeStatusRow]
    lead_overall: list[LeadTimeRow]
    lead_by_branch: list[LeadTimeRow]
    lead_by_type: list[LeadTimeRow]
    sla: list[SlaRow]
    breaches: list[Ticket]
    backlog: list[Bucket]
    printers: list[PrinterRow]
    trend: list[Month]
    heat: list[list[int]]


def full_report(actor: Actor, flt: ReportFilter, now: dt.datetime | None = None) -> Report:
    """Every section at once: what the page, the workbook and the API show. Reports are for staff (the
    product gives them to admins and storekeepers); a job sending one branch its report acts as the system."""
    if not actor.is_staff:
        raise Forbidden(N_("Reports are for staff."))
    now = now or utcnow()
    return Report(flt, cartridges_by_branch(actor, flt), cartridges_by_model(actor, flt),
                  requests_by_type_status(actor, flt), lead_times(actor, flt, "all"), lead_times(actor, flt, "branch"),
                  lead_times(actor, flt, "type"), sla_compliance(actor, flt, now), breaches(actor, flt, now),
                  backlog(actor, flt, now), top_printers(actor, flt), trend(actor, flt), heat_map(actor, flt))


def filter_names(flt: ReportFilter) -> dict[str, str]:
    """The filters' values as people read them (the workbook's cover, the page's heading)."""
    names: dict[str, str] = {}
    if flt.branch_id is not None:
        branch = Branch.get_or_none(Branch.id == fields.db_id(flt.branch_id))
        names["branch"] = f"{branch.code} {branch.name}" if branch else str(flt.branch_id)
    if flt.warehouse_id is not None:
        warehouse = Warehouse.get_or_none(Warehouse.id == fields.db_id(flt.warehouse_id))
        names["warehouse"] = f"{warehouse.code} {warehouse.name}" if warehouse else str(flt.warehouse_id)
    if flt.type_code:
        names["type"] = flt.type_code
    if flt.cartridge_id is not None:
        model = CartridgeModel.get_or_none(CartridgeModel.id == fields.db_id(flt.cartridge_id))
        names["cartridge"] = model.name if model else str(flt.cartridge_id)
    return names
