"""The reports as a styled workbook (openpyxl): a cover sheet, then one sheet per report section.

Every sheet: bold, filled, frozen header; autofilter over the data; fitted widths; numbers and dates as
real cells with formats; a bold totals row where a column adds up (values, not formulas, so any reader
sees them). Text is defused against formula injection like every export (`excel.safe_cell`).

`report_workbook(actor, flt, lang)` is what the panel, the CLI and scheduled reports call; for one
branch, pass `ReportFilter(period, branch_id=...)` with `Actor.system()` (a job) or the recipient's actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from helpdesk.core import catalog, lifecycle, reports
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.export.excel import DATE_FORMAT, cover_rows, export_name, local, safe_cell
from helpdesk.i18n import translate

HEADER_FILL = PatternFill("solid", fgColor="E9EEFC")
MAX_WIDTH = 60
HOURS = "0.0"
PERCENT = "0.0%"
MONTH = "mm.yyyy"
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True)
class Table:
    title: str  # a msgid
    headers: Sequence[str]  # msgids
    rows: list[Sequence[Any]]
    formats: dict[int, str]  # column index -> number format
    totals: Sequence[int] = ()  # columns summed in the totals row


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def _share(met: int, due: int) -> float | None:
    """A fraction Excel shows as a percentage (0.5 -> 50.0%)."""
    return round(met / due, 4) if due else None


def _cartridges(rows: list[reports.CartridgeRow], title: str, first: str, second: str) -> Table:
    return Table(title, (first, second, N_("Ordered"), N_("Shipped")),
                 [(r.code, r.name, r.ordered, r.shipped) for r in rows], {}, (2, 3))


def _lead_rows(report: reports.Report, lang: str) -> list[Sequence[Any]]:
    rows: list[Sequence[Any]] = []
    for kind, items in ((N_("All requests"), report.lead_overall), (N_("Branch"), report.lead_by_branch),
                        (N_("Type"), report.lead_by_type)):
        for r in items:
            rows.append((translate(kind, lang), r.name, r.accept.count, _hours(r.accept.median), _hours(r.accept.p90),
                         r.resolve.count, _hours(r.resolve.median), _hours(r.resolve.p90)))
    return rows


SECTIONS: dict[str, Callable[[reports.Report, str], Table]] = {
    "cartridges_by_branch": lambda rep, lang: _cartridges(rep.by_branch, N_("Cartridges by branch"),
                                                          N_("Branch code"), N_("Branch")),
    "cartridges_by_model": lambda rep, lang: _cartridges(rep.by_model, N_("Cartridges by model"),
                                                         N_("Article"), N_("Cartridge model")),
    "requests_by_type": lambda rep, lang: Table(
        N_("Requests by type and status"), (N_("Type"), *(lifecycle.STATUS_LABELS[s] for s in lifecycle.STATUSES),
                                            N_("Total")),
        [(catalog.type_name(r.type, lang), *(r.by_status[s] for s in lifecycle.STATUSES), r.total)
         for r in rep.by_type_status], {}, tuple(range(1, len(lifecycle.STATUSES) + 2))),
    "lead_times": lambda rep, lang: Table(
        N_("Lead times, business hours"),
        (N_("Grouped by"), N_("Name"), N_("Accepted"), N_("Median to accept, h"), N_("P90 to accept, h"),
         N_("Resolved"), N_("Median to resolve, h"), N_("P90 to resolve, h")),
        _lead_rows(rep, lang), {3: HOURS, 4: HOURS, 6: HOURS, 7: HOURS}),
    "sla": lambda rep, lang: Table(
        N_("SLA compliance"),
        (N_("Branch"), N_("Accept deadlines"), N_("Accepted in time"), N_("On-time acceptance"),
         N_("Resolve deadlines"), N_("Resolved in time"), N_("On-time resolution")),
        [(r.name or translate(N_("All branches"), lang), r.accept_due, r.accept_met, _share(r.accept_met, r.accept_due),
          r.resolve_due, r.resolve_met, _share(r.resolve_met, r.resolve_due)) for r in rep.sla],
        {3: PERCENT, 6: PERCENT}),
    "breaches": lambda rep, lang: Table(
        N_("SLA breaches"),
        (N_("Number"), N_("Branch"), N_("Type"), N_("Status"), N_("Created"), N_("Accept by"), N_("Accepted"),
         N_("Resolve by"), N_("Resolved")),
        [(t.number, t.branch.name, catalog.type_name(t.type, lang), translate(lifecycle.STATUS_LABELS[t.status], lang),
          local(t.created_at), local(t.accept_due_at), local(t.accepted_at), local(t.resolve_due_at),
          local(t.resolved_at)) for t in rep.breaches], dict.fromkeys(range(4, 9), DATE_FORMAT)),
    "backlog": lambda rep, lang: Table(
        N_("Open requests by age"), (N_("Age"), N_("Requests")),
        [(translate(b.label, lang), b.count) for b in rep.backlog], {}, (1,)),
    "printers": lambda rep, lang: Table(
        N_("Printers with most requests"),
        (N_("Printer model"), N_("Inventory number"), N_("Location"), N_("Branch"), N_("Requests")),
        [(p.model, p.inventory_number, p.location, p.branch, p.repairs) for p in rep.printers], {}, (4,)),
    "trend": lambda rep, lang: Table(
        N_("Requests by month"), (N_("Month"), N_("Created"), N_("Resolved")),
        [(m.first, m.created, m.resolved) for m in rep.trend], {0: MONTH}, (1, 2)),
    "heat_map": lambda rep, lang: Table(
        N_("Requests by weekday and hour"), (N_("Weekday"), *(f"{h:02d}" for h in range(24)), N_("Total")),
        [(translate(WEEKDAYS[d], lang), *row, sum(row)) for d, row in enumerate(rep.heat)], {},
        tuple(range(1, 26))),
}


def check_sections(names: Sequence[str]) -> list[str]:
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise ValidationError(N_("Unknown report %(name)s."), field="report", name=unknown[0])
    return list(names) or list(SECTIONS)


def _write(sheet: Worksheet, table: Table, lang: str) -> None:
    headers = [translate(h, lang) if not h.isdigit() else h for h in table.headers]
    sheet.append(headers)
    widths = [len(h) for h in headers]
    for row in table.rows:
        sheet.append([safe_cell(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], 16 if isinstance(value, dt.date) else len(str(value)) if value is not None else 0)
    last = sheet.max_row
    if table.totals:
        totals: list[Any] = [translate(N_("Total"), lang)] + [None] * (len(headers) - 1)
        for i in table.totals:
            totals[i] = sum(row[i] or 0 for row in table.rows)
        sheet.append(totals)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, Alignment(vertical="center", wrap_text=True)
    for index, fmt in table.formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"


def period_label(period: reports.Period, lang: str) -> str:
    span = f"{period.first:%d.%m.%Y} – {period.last:%d.%m.%Y}"
    if period.preset == "custom":
        return span
    name = translate(reports.PRESET_LABELS[period.preset], lang)
    return f"{name}: {span}"


def report_workbook(actor: Actor, flt: reports.ReportFilter, lang: str = "ru", sections: Sequence[str] = (),
                    now: dt.datetime | None = None) -> bytes:
    """The reports the actor may see, for the filter, as xlsx bytes: a cover, then the chosen sections
    (all by default; names from SECTIONS)."""
    chosen = check_sections(sections)
    report = reports.full_report(actor, flt, now)
    book = Workbook()
    cover = book.active
    cover.title = translate(N_("Filters"), lang)[:31]
    filters = [(translate(N_("Period"), lang), period_label(flt.period, lang))]
    labels = {"branch": N_("Branch"), "warehouse": N_("Warehouse"), "type": N_("Type"), "cartridge": N_("Cartridge model")}
    filters += [(translate(labels[k], lang), v) for k, v in reports.filter_names(flt).items()]
    if flt.statuses:
        filters.append((translate(N_("Status"), lang),
                        ", ".join(translate(lifecycle.STATUS_LABELS[s], lang) for s in flt.statuses)))
    _write(cover, Table(N_("Filters"), (N_("Filter"), N_("Value")), cover_rows(lang, filters), {}), lang)
    cover["B2"].number_format = DATE_FORMAT
    for name in chosen:
        table = SECTIONS[name](report, lang)
        _write(book.create_sheet(translate(table.title, lang)[:31]), table, lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_name() -> str:
    return export_name("reports")


def branch_workbook(branch_id: int, period: reports.Period, lang: str = "ru") -> bytes:
    """One branch's reports for a period, as xlsx bytes: what a scheduled report mails to a branch.

    E.g. `branch_workbook(branch.id, reports.period("last_month"))`. Runs as the system (a job), so
    it sees the branch whoever asked; the recipient's right to it is the scheduler's to check."""
    return report_workbook(Actor.system(), reports.ReportFilter(period, branch_id=branch_id), lang)
