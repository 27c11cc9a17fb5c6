"""The requests list as xlsx, streamed: bold frozen header, autofilter, widths, real dates and numbers.

The writer is rustpy-xlsxwriter (rust_xlsxwriter underneath, constant memory); openpyxl stays for
reading imports and for the small styled report workbooks (report_book.py). Text that a spreadsheet would run as a formula (starting with = + - @, or a tab/CR) is written with a
leading apostrophe-like quote so it stays text: an exported description must never execute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from helpdesk.core import catalog, lifecycle, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_
from helpdesk.db.database import db
from helpdesk.db.models import Branch, CartridgeModel, Ticket, TicketType, User
from helpdesk.formatting import organisation_zone
from helpdesk.i18n import translate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Dates stay dates, numbers stay numbers; risky text is defused."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local(value: dt.datetime | None, zone: ZoneInfo | None = None) -> dt.datetime | None:
    """A naive UTC time as a naive local time (Excel has no time zones)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(zone or organisation_zone()).replace(tzinfo=None)


REQUEST_HEADERS = (N_("Number"), N_("Type"), N_("Status"), N_("Branch"), N_("Author"), N_("Assignee"),
                   N_("Priority"), N_("Created"), N_("Accept by"), N_("Resolved"), N_("Closed"), N_("Description"),
                   N_("Order lines"), N_("Resolve by"), N_("Lead time, hours"), N_("Branch code"),
                   N_("Reject reason"), N_("Quantity"))
REQUEST_WIDTHS = (14, 18, 14, 28, 24, 24, 12, 17, 17, 17, 17, 60, 40, 17, 12, 12, 30, 10)
DATE_FORMAT = "dd.mm.yyyy hh:mm"
CHUNK = 2000  # requests read per query: memory stays flat however long the list


def export_name(prefix: str) -> str:
    """`prefix-YYYY-MM-DD.xlsx`, named by the organisation's date (the one its times are written in)."""
    return f"{prefix}-{dt.datetime.now(organisation_zone()).date().isoformat()}.xlsx"


def _lookups(lang: str) -> dict[str, dict[Any, Any]]:
    """Names of the few things every row refers to, defused once: read once, not joined or fetched per row."""
    return {
        "type": {t.id: safe_cell(catalog.type_name(t, lang)) for t in TicketType.select()},
        "branch": {b.id: (safe_cell(b.name), safe_cell(b.code))
                   for b in Branch.select(Branch.id, Branch.name, Branch.code)},
        "user": {i: safe_cell(n) for i, n in User.select(User.id, User.display_name).tuples()},
        "cartridge": dict(CartridgeModel.select(CartridgeModel.id, CartridgeModel.name).tuples()),
        "status": {s: translate(label, lang) for s, label in lifecycle.STATUS_LABELS.items()},
        "priority": {p: translate(label, lang) for p, label in tickets.PRIORITY_LABELS.items()},
        "zone": {None: organisation_zone()},
    }


_ROW_COLUMNS = ("id, number, type_id, status, branch_id, author_id, assignee_id, priority, created_at, accept_due_at, "
                "resolved_at, closed_at, description, resolve_due_at, reject_reason")
_HOUR = dt.timedelta(hours=1)


class LocalTimes:
    """Naive UTC times (SQLite's text or PostgreSQL's datetimes) as naive local times, fast.

    A zone's offset changes a few times a year, so it is looked up once per UTC hour and added: the same
    result as `local()`, without three datetime conversions per cell (they were most of the export's time).
    An hour during which the offset changes (never on the hour in some zones) is converted exactly."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.offsets: dict[Any, dt.timedelta | None] = {}

    def _offset(self, hour_start: dt.datetime) -> dt.timedelta | None:
        first = hour_start.replace(tzinfo=dt.UTC).astimezone(self.zone).utcoffset()
        last = (hour_start + _HOUR - dt.timedelta(microseconds=1)).replace(tzinfo=dt.UTC).astimezone(
            self.zone).utcoffset()
        return first if first == last else None

    def __call__(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            key: Any = value[:13]
            value = dt.datetime.fromisoformat(value)
        else:
            key = (value.year, value.month, value.day, value.hour)
        try:
            offset = self.offsets[key]
        except KeyError:
            offset = self.offsets[key] = self._offset(value.replace(minute=0, second=0, microsecond=0))
        return value + offset if offset is not None else local(value, self.zone)


def request_rows(actor: Actor, flt: tickets.TicketFilter, lang: str,
                 progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[Any, ...]]:
    """The filtered list's rows (REQUEST_HEADERS' cells), read in chunks of CHUNK requests.

    The ids come first, in the list's order (a few bytes each); then each chunk's columns and order lines
    take two plain queries, whatever the number of rows (the old export ran one query per relation per
    row). Rows are read as the driver gives them and turned into cells in one step each: building ORM
    rows, or a datetime object per conversion, cost more than writing the file."""
    names = _lookups(lang)
    ids = [row[0] for row in db.execute(tickets.filtered(actor, flt).select(Ticket.id)).fetchall()]
    total = len(ids)
    local_time = LocalTimes(names["zone"][None])
    for start in range(0, total, CHUNK):
        chunk = ids[start:start + CHUNK]
        listed = ",".join(str(int(i)) for i in chunk)  # integers from the database: safe to inline
        rows = {row[0]: row for row in db.execute_sql(f"SELECT {_ROW_COLUMNS} FROM ticket WHERE id IN ({listed})")}
        lines: dict[int, list[tuple[int, int]]] = {}
        for ticket_id, cartridge_id, quantity in db.execute_sql(
                f"SELECT ticket_id, cartridge_id, quantity FROM order_line WHERE ticket_id IN ({listed}) ORDER BY id"):
            lines.setdefault(ticket_id, []).append((cartridge_id, quantity))
        row_of = _row_maker(names, local_time)
        for ticket_id in chunk:
            yield row_of(rows[ticket_id], lines.get(ticket_id))
        if progress is not None:
            progress(min(start + CHUNK, total), total)
    if progress is not None and total == 0:
        progress(0, 0)


def _row_maker(names: dict[str, dict[Any, Any]], local_time: LocalTimes
               ) -> Callable[[Sequence[Any], list[tuple[int, int]] | None], tuple[Any, ...]]:
    types, statuses, branches, users = names["type"], names["status"], names["branch"], names["user"]
    priorities, cartridges = names["priority"], names["cartridge"]

    def row_of(r: Sequence[Any], lines: list[tuple[int, int]] | None) -> tuple[Any, ...]:
        (_, number, type_id, status, branch_id, author_id, assignee_id, priority, created, accept_due, resolved,
         closed, description, resolve_due, reject_reason) = r
        branch_name, branch_code = branches[branch_id]
        created = local_time(created)
        resolved = local_time(resolved)
        # The local times differ by the offsets' difference only across a DST change: take UTC for the lead.
        lead = (round((_utc(r[10]) - _utc(r[8])).total_seconds() / 3600, 1) if resolved is not None else None)
        if lines:
            ordered = safe_cell("; ".join(f"{cartridges.get(c, c)} × {q}" for c, q in lines))
            quantity = sum(q for _, q in lines)
        else:
            ordered, quantity = "", None
        return (number, types[type_id], statuses[status], branch_name, users.get(author_id, ""),
                users.get(assignee_id, "") if assignee_id else "", priorities.get(priority, priority),
                created, local_time(accept_due), resolved, local_time(closed),
                safe_cell(description), ordered, local_time(resolve_due), lead, branch_code,
                safe_cell(reject_reason or ""), quantity)

    return row_of


def _utc(value: Any) -> dt.datetime:
    # SQLite hands back text; PostgreSQL a datetime already.
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def cover_rows(lang: str, filters: Sequence[tuple[str, str]], exported_at: dt.datetime | None = None
               ) -> list[tuple[str, Any]]:
    """The cover sheet: what was exported, with which filters, when (the organisation's time)."""
    moment = (exported_at or dt.datetime.now(dt.UTC)).astimezone(organisation_zone()).replace(tzinfo=None)
    return [(translate(N_("Exported at"), lang), moment.replace(microsecond=0)), *filters]


def request_filters(flt: tickets.TicketFilter, lang: str) -> list[tuple[str, str]]:
    """The list filter as the cover sheet shows it, one (name, value) per filter in use."""
    shown: list[tuple[str, str]] = []
    if flt.branch_id is not None:
        branch = Branch.get_or_none(Branch.id == flt.branch_id)
        shown.append((translate(N_("Branch"), lang), f"{branch.code} {branch.name}" if branch else str(flt.branch_id)))
    if flt.type_code:
        ticket_type = TicketType.get_or_none(TicketType.code == flt.type_code)
        shown.append((translate(N_("Type"), lang),
                      catalog.type_name(ticket_type, lang) if ticket_type else flt.type_code))
    if flt.statuses:
        shown.append((translate(N_("Status"), lang),
                      ", ".join(translate(lifecycle.STATUS_LABELS[s], lang) for s in flt.statuses)))
    if flt.created_from:
        shown.append((translate(N_("Created from"), lang), flt.created_from.strftime("%d.%m.%Y")))
    if flt.created_to:
        shown.append((translate(N_("Created to"), lang), flt.created_to.strftime("%d.%m.%Y")))
    if flt.text:
        shown.append((translate(N_("Search"), lang), flt.text))
    return [(name, safe_cell(value)) for name, value in shown]


def write_requests(target: str | Path | BinaryIO, actor: Actor, flt: tickets.TicketFilter, lang: str,
                   progress: Callable[[int, int], None] | None = None,
                   exported_at: dt.datetime | None = None) -> None:
    """The filtered requests list as xlsx, streamed: a cover sheet, then one row per request.

    The rows go straight from the database to rustpy-xlsxwriter (rust_xlsxwriter in constant-memory
    mode): 100k requests take seconds and tens of megabytes (bench/export.py), where openpyxl took
    minutes and gigabytes. The cells are those of `request_rows`, so the panel and the CLI agree."""
    import rustpy_xlsxwriter  # a native module: loaded on the first export, not at start

    headers = [translate(h, lang) for h in REQUEST_HEADERS]
    field, value = translate(N_("Filter"), lang), translate(N_("Value"), lang)
    cover = [{field: name, value: shown} for name, shown in cover_rows(lang, request_filters(flt, lang), exported_at)]
    empty = dict.fromkeys(headers)
    rows = (dict(zip(headers, row, strict=False)) for row in request_rows(actor, flt, lang, progress))
    first = next(rows, None)
    data = (r for r in ([first or empty], rows) for r in r)  # no request: the header still shows
    sheet, cover_name = translate(N_("Requests"), lang)[:31], translate(N_("Filters"), lang)[:31]
    quantity, lead = translate(N_("Quantity"), lang), translate(N_("Lead time, hours"), lang)
    rustpy_xlsxwriter.write_worksheets(
        [(cover_name, cover), (sheet, data)], target if not isinstance(target, Path) else str(target),
        bold_headers=True, datetime_format=DATE_FORMAT, float_format="0.0",
        freeze_panes={sheet: {"row": 1, "col": 0}, cover_name: {"row": 1, "col": 0}},
        autofilter={sheet: True}, column_widths={sheet: list(REQUEST_WIDTHS), cover_name: [28, 40]},
        totals_row={sheet: {quantity: "sum", lead: "average"}}, totals_label={sheet: translate(N_("Total"), lang)},
        dedupe_strings={sheet: False})


def requests_workbook(actor: Actor, flt: tickets.TicketFilter, lang: str) -> tuple[str, bytes]:
    """The requests list as a workbook in memory (small lists; large ones go through `write_requests`)."""
    buffer = BytesIO()
    write_requests(buffer, actor, flt, lang)
    return export_name("requests"), buffer.getvalue()
