"""Which of a file's columns holds which of ours: recognised by header, or chosen by the admin.

Headers are recognised by a column's label in either language, its key or an alias. A file exported
from elsewhere (1C's reports name their columns by the report's settings) may use headers we do not
know: then the preview offers every file column for each of ours, the recognised ones preselected,
and a required column left unchosen is an error on every row rather than a refused upload.
"""

from __future__ import annotations

from helpdesk.core.errors import N_, Label, ValidationError
from helpdesk.core.imports.base import Kind, normalize

Mapping = dict[str, int]  # column key -> index of the file's column that holds it


def recognise(kind: Kind, header: list[str]) -> Mapping:
    """The columns whose header we know; a header repeated later is left for the admin to choose."""
    by_name = {name: column.key for column in kind.columns for name in column.names}
    mapping: Mapping = {}
    for index, cell in enumerate(header):
        key = by_name.get(normalize(cell))
        if key is not None and key not in mapping:
            mapping[key] = index
    return mapping


def choose(kind: Kind, header: list[str], choice: dict[str, int | None]) -> Mapping:
    """The admin's choice checked: known columns of ours, existing columns of the file, none taken twice."""
    mapping: Mapping = {}
    for key, index in choice.items():
        column = kind.column(key)
        if column is None or index is None:
            continue
        if not 0 <= index < len(header):
            raise ValidationError(N_("The file has no such column."), field=key)
        taken = next((k for k, i in mapping.items() if i == index), None)
        if taken is not None:
            raise ValidationError(N_("The file's column %(file_column)s is chosen for both “%(first)s” and "
                                     "“%(second)s”."), field=key, file_column=describe(header, index),
                                  first=Label(kind.column(taken).label), second=Label(column.label))
        mapping[key] = index
    return mapping


def describe(header: list[str], index: int) -> str:
    """A file column as the spreadsheet shows it: its letter, and its header when it has one."""
    from openpyxl.utils import get_column_letter  # openpyxl loads whole: only when a preview is shown

    letter = get_column_letter(index + 1)
    return f"{letter} «{header[index]}»" if header[index] else letter


def file_columns(header: list[str]) -> list[tuple[int, str]]:
    """Every column of the file to choose from, as (index, description)."""
    return [(index, describe(header, index)) for index in range(len(header))]


def ordered(mapping: Mapping) -> list[str]:
    """Our column keys in the file's order."""
    return sorted(mapping, key=lambda key: mapping[key])


def ignored(header: list[str], mapping: Mapping) -> list[str]:
    used = set(mapping.values())
    return [cell for index, cell in enumerate(header) if cell and index not in used]


def missing(kind: Kind, mapping: Mapping) -> list[str]:
    """Keys of required columns no file column holds."""
    return [column.key for column in kind.columns if column.required and column.key not in mapping]
