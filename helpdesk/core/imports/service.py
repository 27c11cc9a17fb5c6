"""Bulk import: preview a file row by row, then apply it all in one transaction (admins only).

Nothing is written by `preview`. `apply` checks the rows again inside its write transaction, against
the database as it is then, and writes through the domain's own save functions (one audit event per
created or updated item) only when no row has an error; one error anywhere rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpdesk.core import audit
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, DomainError, Label, NotFound, ValidationError
from helpdesk.core.imports import mapping
from helpdesk.core.imports.base import Context, Kind, Row
from helpdesk.core.imports.catalog_kinds import Cartridges, PrinterModels, Printers
from helpdesk.core.imports.mapping import Mapping
from helpdesk.core.imports.org_kinds import Branches, Users, Warehouses
from helpdesk.core.imports.reading import read_table
from helpdesk.core.imports.stock_kind import StockBalances
from helpdesk.core.visibility import require_active
from helpdesk.db.database import refresh_statistics, write_transaction

# In the order they should be imported: rows refer to the kinds before them (branches to warehouses, ...).
KINDS: dict[str, Kind] = {k.name: k for k in (Warehouses(), Branches(), Users(), Cartridges(), PrinterModels(),
                                              Printers(), StockBalances())}
ACTIONS = ("create", "update", "unchanged")


def get_kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(N_("There is nothing at this address."))
    return kind


@dataclass
class Preview:
    kind: str
    filename: str
    header: list[str]  # the file's header cells as written
    mapping: Mapping  # our column key -> index of the file's column
    rows: list[Row]

    @property
    def columns(self) -> list[str]:
        """Keys of the columns taken from the file, in the file's order."""
        return mapping.ordered(self.mapping)

    @property
    def ignored(self) -> list[str]:
        """Headers that no column of ours is taken from."""
        return mapping.ignored(self.header, self.mapping)

    @property
    def missing(self) -> list[str]:
        """Required columns of ours that no file column holds (every row then has an error)."""
        return mapping.missing(get_kind(self.kind), self.mapping)

    @property
    def file_columns(self) -> list[tuple[int, str]]:
        return mapping.file_columns(self.header)

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {action: sum(1 for r in self.rows if r.action == action) for action in ACTIONS}
        return {**counts, "errors": sum(1 for r in self.rows if r.errors)}

    def to_json(self) -> dict[str, Any]:
        """What a draft keeps between preview and confirm: the file's text and the mapping, not the verdicts."""
        return {"kind": self.kind, "filename": self.filename, "header": self.header, "mapping": self.mapping,
                "rows": [[row.number, row.raw] for row in self.rows]}


@dataclass(frozen=True)
class Summary:
    kind: str
    created: int
    updated: int
    unchanged: int


class ImportHasErrors(ValidationError):
    """Nothing was written; `preview` holds the rows with their errors."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(N_("Nothing was imported: some rows have errors. Correct the file and upload it again."))
        self.preview = preview


def _rows(table: list[tuple[int, list[str]]], columns: Mapping) -> list[Row]:
    return [Row(number, {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}, raw=cells)
            for number, cells in table]


def preview(actor: Actor, kind: str, filename: str, data: bytes) -> Preview:
    """Read the file and say, row by row, what importing it would do. Writes nothing.

    Columns are taken by their headers; unknown headers do not refuse the file: the admin maps them
    (`remap`) on the preview, and until then rows lacking a required column have an error.
    """
    require_active(actor)
    require_admin(actor)
    spec = get_kind(kind)
    table = read_table(data, filename)
    header = table[0][1]
    columns = mapping.recognise(spec, header)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]  # some browsers send a whole path
    return check(spec, name, header, columns, _rows(table[1:], columns), Context(actor))


def remap(actor: Actor, draft: Preview, choice: dict[str, int | None]) -> Preview:
    """The same file read again with the admin's choice of which file column holds which of ours."""
    require_active(actor)
    require_admin(actor)
    spec = get_kind(draft.kind)
    columns = mapping.choose(spec, draft.header, choice)
    return check(spec, draft.filename, draft.header, columns,
                 _rows([(row.number, row.raw) for row in draft.rows], columns), Context(actor))


def restore(actor: Actor, data: dict[str, Any]) -> Preview:
    """A preview rebuilt from `Preview.to_json` and checked again: the database may have changed since."""
    require_admin(actor)
    if "header" not in data:  # a draft kept by the version before column mapping
        raise NotFound(N_("This import has expired. Upload the file again."))
    spec = get_kind(data["kind"])
    header = [str(cell) for cell in data["header"]]
    columns = mapping.choose(spec, header, {str(k): int(v) for k, v in data["mapping"].items()})
    table = [(int(number), [str(cell) for cell in cells]) for number, cells in data["rows"]]
    return check(spec, str(data["filename"]), header, columns, _rows(table, columns), Context(actor))


def check(kind: Kind, filename: str, header: list[str], columns: Mapping, rows: list[Row],
          ctx: Context) -> Preview:
    """Every row's verdict; a natural key (or another unique value) repeated in the file is an error."""
    seen: dict[tuple[str, Any], int] = {}
    unmapped = set(mapping.missing(kind, columns))
    for row in rows:
        _check_row(kind, row, ctx, unmapped)
        for key in kind.keys(row.target) if row.target else []:
            if key in seen:
                row.fail(ValidationError(N_("Duplicate of row %(row)s (the same %(column)s)."), field=key[0],
                                         row=seen[key], column=Label(kind.column(key[0]).label)))
            else:
                seen[key] = row.number
        if row.errors:
            row.action = ""
    return Preview(kind.name, filename, header, columns, rows)


def _check_row(kind: Kind, row: Row, ctx: Context, unmapped: set[str]) -> None:
    row.errors, row.action, row.changed, row.target, row.item = [], "", [], {}, None
    values: dict[str, Any] = {}
    for column in kind.columns:
        cell = row.cells.get(column.key, "")
        values[column.key] = None
        if column.key in unmapped:
            row.fail(ValidationError(N_("No column of the file is chosen for this."), field=column.key))
            continue
        if not cell:
            if column.required:
                row.fail(ValidationError(N_("Fill this in."), field=column.key))
            continue
        try:
            values[column.key] = column.parse(cell, column.key)
        except DomainError as exc:
            row.fail(exc)
    kind.resolve(values, ctx, row)
    if any(values[c.key] is None for c in kind.columns if c.required):
        return
    item = kind.find(values, ctx, row)
    base = kind.current(item, ctx) if item is not None else kind.defaults()
    merged = {key: base[key] if values.get(key) is None else values[key] for key in base}  # empty cell: keep
    try:
        row.target = kind.clean(merged, item, ctx)
    except DomainError as exc:
        row.fail(exc)
        return
    row.item = item
    row.changed = [key for key in row.target if item is None or row.target[key] != base.get(key)]
    row.action = "create" if item is None else "update" if row.changed else "unchanged"


# What any kind of import writes: analyzed after an import on either engine.
IMPORTED_TABLES = ("branch", "warehouse", "user", "printer", "printer_model", "cartridge_model",
                   "printer_model_cartridge", "stock")


def apply(actor: Actor, preview: Preview) -> Summary:
    """Write the previewed rows in one transaction, or nothing (ImportHasErrors) if any row fails."""
    require_active(actor)
    require_admin(actor)
    if preview.has_errors:
        raise ImportHasErrors(preview)
    kind = get_kind(preview.kind)
    with write_transaction():
        ctx = Context(actor)
        fresh = check(kind, preview.filename, preview.header, preview.mapping,
                      [Row(r.number, r.cells, raw=r.raw) for r in preview.rows], ctx)
        if fresh.has_errors:
            raise ImportHasErrors(fresh)
        for row in fresh.rows:
            if row.action in ("create", "update"):
                try:
                    kind.write(actor, row.target, row.item, ctx)
                except DomainError as exc:
                    row.fail(exc)
                    row.action = ""
                    raise ImportHasErrors(fresh) from exc
        counts = fresh.counts
        summary = Summary(kind.name, counts["create"], counts["update"], counts["unchanged"])
        audit.record(actor, "bulk_import", entity="import", entity_id=kind.name,
                     after={"file": preview.filename, "created": summary.created, "updated": summary.updated,
                            "unchanged": summary.unchanged})
    if summary.created:  # many new rows at once: the planner should know before the next page is drawn
        refresh_statistics(IMPORTED_TABLES)
    return summary
