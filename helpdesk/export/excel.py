"""Excel workbooks (openpyxl): bold frozen header, autofilter, fitted widths, real dates and numbers.

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab/CR) is written with a
leading apostrophe-like quote so it stays text: an exported description must never execute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from helpdesk.core import catalog, lifecycle, tickets
from helpdesk.core.errors import N_
from helpdesk.db.models import Ticket
from helpdesk.formatting import local_time, organisation_zone
from helpdesk.i18n import translate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60


def safe_cell(value: Any) -> Any:
    """Dates stay dates, numbers stay numbers; risky text is defused."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    widths = [len(h) for h in headers]
    for row in rows:
        values = [safe_cell(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], len(value.strftime("%d.%m.%Y %H:%M")) if isinstance(
                value, dt.datetime) else len(str(value)) if value is not None else 0)
    header_fill = PatternFill("solid", fgColor="E9EEFC")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A naive UTC time as a naive local time (Excel has no time zones)."""
    if value is None:
        return None
    return dt.datetime.strptime(local_time(value, "%Y-%m-%d %H:%M:%S"), "%Y-%m-%d %H:%M:%S")


REQUEST_HEADERS = (N_("Number"), N_("Type"), N_("Status"), N_("Branch"), N_("Author"), N_("Assignee"),
                   N_("Priority"), N_("Created"), N_("Accept by"), N_("Resolved"), N_("Closed"), N_("Description"),
                   N_("Order lines"), N_("Resolve by"), N_("Lead time, hours"), N_("Branch code"),
                   N_("Reject reason"), N_("Quantity"))


def _lead_hours(ticket: Ticket) -> float | None:
    """Hours from creation to resolution, a number to sum and average in the spreadsheet."""
    if ticket.resolved_at is None:
        return None
    return round((ticket.resolved_at - ticket.created_at).total_seconds() / 3600, 1)


def _request_row(t: Ticket, lang: str) -> tuple[Any, ...]:
    lines = list(t.lines)
    return (t.number, catalog.type_name(t.type, lang), translate(lifecycle.STATUS_LABELS[t.status], lang),
            t.branch.name, t.author.display_name, t.assignee.display_name if t.assignee_id else "",
            translate(tickets.PRIORITY_LABELS[t.priority], lang), local(t.created_at), local(t.accept_due_at),
            local(t.resolved_at), local(t.closed_at), t.description,
            "; ".join(f"{line.cartridge.name} × {line.quantity}" for line in lines),
            local(t.resolve_due_at), _lead_hours(t), t.branch.code, t.reject_reason or "",
            sum(line.quantity for line in lines) if lines else None)


def requests_workbook(items: Iterable[Ticket], lang: str) -> tuple[str, bytes]:
    """The requests as a workbook, named by the organisation's date (the one its times are written in)."""
    content = workbook(translate(N_("Requests"), lang), [translate(h, lang) for h in REQUEST_HEADERS],
                       (_request_row(t, lang) for t in items))
    today = dt.datetime.now(organisation_zone()).date()
    return f"requests-{today.isoformat()}.xlsx", content
