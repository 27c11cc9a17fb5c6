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

from helpdesk.formatting import local_time

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
