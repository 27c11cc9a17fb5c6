"""The template to fill in: translated headers and an example row, and a second sheet of notes."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from helpdesk.core.errors import N_
from helpdesk.core.imports.base import Kind
from helpdesk.core.imports.reading import MAX_BYTES, MAX_ROWS
from helpdesk.core.imports.service import get_kind
from helpdesk.i18n import translate

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_COLOUR = "E9EEFC"
NOTES = (
    N_("One row per item. The first row holds the column names; the order of the columns does not matter."),
    N_("Columns marked * are required."),
    N_("A row that matches an existing item updates it; any other row creates a new item."),
    N_("An empty cell keeps the current value of an existing item."),
    N_("Replace the example row with your data."),
    N_("Import warehouses first, then branches, users, cartridges, printer models and printers: "
       "rows refer to codes and names that must already exist."),
)


def header(kind: Kind, lang: str) -> list[str]:
    return [translate(c.label, lang) + (" *" if c.required else "") for c in kind.columns]


def template(kind_name: str, lang: str) -> bytes:
    """An xlsx workbook to fill in for one kind, in `lang`."""
    # openpyxl costs ~6 MiB resident and a fifth of a second: loaded when a template is asked, not at start
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    kind = get_kind(kind_name)
    book = Workbook()
    sheet = book.active
    sheet.title = translate(kind.label, lang)[:31]
    sheet.append(header(kind, lang))
    sheet.append([translate(c.example, lang) if c.example else None for c in kind.columns])
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = max(len(str(cell.value)) + 4, 16)
        column.number_format = "@"  # codes such as 001 stay text instead of turning into the number 1
    sheet.freeze_panes = "A2"
    _notes(book.create_sheet(translate(N_("Notes"), lang)[:31]), kind, lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _notes(sheet: Worksheet, kind: Kind, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([translate(kind.label, lang)])
    sheet["A1"].font = Font(bold=True, size=13)
    lines = [translate(kind.matched_by, lang), *(translate(n, lang) for n in NOTES),
             translate(N_("Save the file as .xlsx or .csv (UTF-8 or Windows-1251, with semicolons or commas). "
                          "At most %(rows)s rows and %(mb)s MB."), lang, rows=MAX_ROWS, mb=MAX_BYTES // 2**20)]
    for line in lines:
        sheet.append([line])
    sheet.append([])
    sheet.append([translate(N_("Column"), lang), translate(N_("Required"), lang), translate(N_("Notes"), lang)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    for column in kind.columns:
        sheet.append([translate(column.label, lang), translate(N_("yes") if column.required else N_("no"), lang),
                      translate(column.help, lang) if column.help else ""])
    for row in sheet.iter_rows(min_row=sheet.max_row - len(kind.columns) + 1):
        for cell in row:
            cell.alignment = wrap
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 70
