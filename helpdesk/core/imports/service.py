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
from helpdesk.core.imports.base import Context, Kind, Row, normalize
from helpdesk.core.imports.catalog_kinds import Cartridges, PrinterModels, Printers
from helpdesk.core.imports.org_kinds import Branches, Users, Warehouses
from helpdesk.core.imports.reading import read_table
from helpdesk.core.imports.stock_kind import StockBalances
from helpdesk.core.visibility import require_active
from helpdesk.db.database import write_transaction

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
    columns: list[str]  # keys of the recognised columns, in the file's order
    ignored: list[str]  # headers that match no column
    rows: list[Row]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {action: sum(1 for r in self.rows if r.action == action) for action in ACTIONS}
        return {**counts, "errors": sum(1 for r in self.rows if r.errors)}

    def to_json(self) -> dict[str, Any]:
        """What a draft keeps between preview and confirm: the file's text, not the verdicts."""
        return {"kind": self.kind, "filename": self.filename, "columns": self.columns, "ignored": self.ignored,
                "rows": [[row.number, row.cells] for row in self.rows]}



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


def map_header(kind: Kind, header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Which cell index holds which column (by label in either language, or key); the headers left over."""
    by_name = {name: column.key for column in kind.columns for name in column.names}
    positions: dict[int, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        key = by_name.get(normalize(cell))
        if key is None:
            if cell:
                ignored.append(cell)
        elif key in positions.values():
            raise ValidationError(N_("The column “%(column)s” appears twice."), field="file",
                                  column=Label(kind.column(key).label))
        else:
            positions[index] = key
    for column in kind.columns:
        if column.required and column.key not in positions.values():
            raise ValidationError(N_("The required column “%(column)s” is missing."), field="file",
                                  column=Label(column.label))
    return positions, ignored


def preview(actor: Actor, kind: str, filename: str, data: bytes) -> Preview:
    """Read the file and say, row by row, what importing it would do. Writes nothing."""
    require_active(actor)
    require_admin(actor)
    spec = get_kind(kind)
    table = read_table(data, filename)
    positions, ignored = map_header(spec, table[0][1])
    rows = [Row(number, {key: cells[i] if i < len(cells) else "" for i, key in positions.items()})
            for number, cells in table[1:]]
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]  # some browsers send a whole path
    return check(spec, name, list(positions.values()), ignored, rows, Context(actor))


def restore(actor: Actor, data: dict[str, Any]) -> Preview:
    """A preview rebuilt from `Preview.to_json` and checked again: the database may have changed since."""
    require_admin(actor)
    rows = [Row(int(number), {str(k): str(v) for k, v in cells.items()}) for number, cells in data["rows"]]
    return check(get_kind(data["kind"]), str(data["filename"]), [str(c) for c in data["columns"]],
                 [str(c) for c in data["ignored"]], rows, Context(actor))


def check(kind: Kind, filename: str, columns: list[str], ignored: list[str], rows: list[Row],
          ctx: Context) -> Preview:
    """Every row's verdict; a natural key (or another unique value) repeated in the file is an error."""
    seen: dict[tuple[str, Any], int] = {}
    for row in rows:
        _check_row(kind, row, ctx)
        for key in kind.keys(row.target) if row.target else []:
            if key in seen:
                row.fail(ValidationError(N_("Duplicate of row %(row)s (the same %(column)s)."), field=key[0],
                                         row=seen[key], column=Label(kind.column(key[0]).label)))
            else:
                seen[key] = row.number
        if row.errors:
            row.action = ""
    return Preview(kind.name, filename, columns, ignored, rows)


def _check_row(kind: Kind, row: Row, ctx: Context) -> None:
    row.errors, row.action, row.changed, row.target, row.item = [], "", [], {}, None
    values: dict[str, Any] = {}
    for column in kind.columns:
        cell = row.cells.get(column.key, "")
        values[column.key] = None
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


def apply(actor: Actor, preview: Preview) -> Summary:
    """Write the previewed rows in one transaction, or nothing (ImportHasErrors) if any row fails."""
    require_active(actor)
    require_admin(actor)
    if preview.has_errors:
        raise ImportHasErrors(preview)
    kind = get_kind(preview.kind)
    with write_transaction():
        ctx = Context(actor)
        fresh = check(kind, preview.filename, preview.columns, preview.ignored,
                      [Row(r.number, r.cells) for r in preview.rows], ctx)
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
    return summary
