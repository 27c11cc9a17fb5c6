"""Reading a spreadsheet into rows of text: xlsx (openpyxl, streamed) or csv as Excel saves it.

Russian Excel saves "CSV" in Windows-1251 with `;` between cells, other tools UTF-8 (often with a BOM)
with `,`; "Unicode text" is UTF-16 with tabs. The encoding is told by the bytes, the delimiter by the
header line. Limits are checked while reading, so an oversized file is refused before it is parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from helpdesk.core.errors import N_, ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_UNPACKED = 200 * 1024 * 1024  # an xlsx is a zip: refuse one that would unpack into a flood
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls

Table = list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cell texts)


def read_table(data: bytes, filename: str = "") -> Table:
    """Non-empty rows of the first sheet, numbered as in the spreadsheet; the first one is the header."""
    if len(data) > MAX_BYTES:
        raise ValidationError(N_("The file is larger than %(mb)s MB."), field="file", mb=MAX_BYTES // 2**20)
    if not data.strip():
        raise ValidationError(N_("The file is empty."), field="file")
    if data.startswith(OLE_MAGIC):
        raise ValidationError(N_("Old .xls files cannot be read: save the file as .xlsx or .csv."), field="file")
    is_zip = data.startswith(b"PK\x03\x04")
    if filename.lower().endswith((".xlsx", ".xlsm")) and not is_zip:
        # Read as csv it would fail on a missing column, which misleads: say what is wrong with the file.
        raise ValidationError(N_("%(name)s is not an Excel workbook, though its name ends in .xlsx: open it in Excel "
                                 "and save it as .xlsx or .csv."), field="file", name=filename)
    rows = _xlsx_rows(data) if is_zip else _csv_rows(data)
    table: Table = []
    for number, cells in rows:
        if not any(cells):
            continue
        if len(table) > MAX_ROWS:  # the header plus MAX_ROWS rows are allowed
            raise ValidationError(N_("The file has more than %(max)s rows: split it into several files."),
                                  field="file", max=MAX_ROWS)
        table.append((number, cells[:MAX_COLUMNS]))
    if not table:
        raise ValidationError(N_("The file is empty."), field="file")
    return table


def _unreadable() -> ValidationError:
    return ValidationError(N_("The file could not be read: upload an .xlsx or .csv table."), field="file")


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # ~6 MiB resident: loaded by the first upload, not by every start

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise ValidationError(N_("The file is larger than %(mb)s MB."), field="file", mb=MAX_BYTES // 2**20)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a broken or foreign file
        raise _unreadable() from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code or Telegram ID typed as a number: 1234.0 -> "1234"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    if "\x00" in text:
        raise _unreadable()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [c.strip() for c in cells]
    except csv.Error:
        raise _unreadable() from None
