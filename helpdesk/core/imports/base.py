"""Building blocks of an import: columns and their parsers, rows and their errors, one kind's strategy.

A row goes through four steps (see `service.check`): each cell is parsed on its own, references to
other rows of the database are resolved, the existing item is found by its natural key, and the merged
values are checked by the same domain cleaners the forms use. Values live in "column space" (codes,
ids, plain text), so an existing item and a file row compare directly: that is how `unchanged` is told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from helpdesk.core import fields
from helpdesk.core.actors import ROLE_LABELS, ROLES, Actor
from helpdesk.core.errors import N_, DomainError, ValidationError
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    OnecItem,
    Printer,
    PrinterModel,
    PrinterModelCartridge,
    User,
    Warehouse,
)
from helpdesk.i18n import LANGUAGES, translate

Parser = Callable[[str, str], Any]  # (cell text, column key) -> value; raises ValidationError


def normalize(text: str) -> str:
    """How headers and words compare: case, spaces, `ё` and a required-mark `*` do not matter."""
    return " ".join(text.replace("*", " ").replace("_", " ").replace("ё", "е").replace("Ё", "Е").casefold().split())


@cache
def _words(*msgids: str) -> frozenset[str]:
    return frozenset({normalize(translate(m, lang)) for m in msgids for lang in LANGUAGES} | {normalize(m) for m in msgids})


def text(limit: int) -> Parser:
    return lambda value, key: fields.text(value, key, limit)


def code(value: str, key: str) -> str:
    return fields.text(value, key, 32).upper()


YES, NO = N_("yes"), N_("no")
_TRUE = {"1", "+", "true", "y", "да", "д", "✓"}
_FALSE = {"0", "-", "false", "n", "нет", "н"}


def boolean(value: str, key: str) -> bool:
    word = normalize(value)
    if word in _TRUE or word in _words(YES):
        return True
    if word in _FALSE or word in _words(NO):
        return False
    raise ValidationError(N_("Write yes or no."), field=key)


def integer(value: str, key: str) -> int:
    number = fields.parse_int(value.replace(" ", "").replace("\xa0", ""))
    if number is None:
        raise ValidationError(N_("%(value)s is not a whole number."), field=key, value=value)
    return fields.integer(number, key, 1, fields.DB_INT_MAX)


def role(value: str, key: str) -> str:
    word = normalize(value)
    for name in ROLES:
        if word == name or word in _words(ROLE_LABELS[name]):
            return name
    raise ValidationError(N_("Unknown role %(role)s."), field=key, role=value)


_LANGUAGE_WORDS = {"ru": {"ru", "rus", "russian", "русский", "рус"}, "en": {"en", "eng", "english", "английский", "англ"}}


def language(value: str, key: str) -> str:
    word = normalize(value)
    for lang, words in _LANGUAGE_WORDS.items():
        if word in words:
            return lang
    raise ValidationError(N_("Unknown language."), field=key)


def name_list(value: str, key: str) -> tuple[str, ...]:
    """Several names in one cell, separated by commas, semicolons or line breaks."""
    parts = value.replace(";", ",").replace("\n", ",").split(",")
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # msgid: the header of the template
    required: bool = False
    parse: Parser = text(200)
    help: str = ""  # msgid for the notes sheet
    example: str = ""  # a msgid or a literal for the template's example row
    aliases: tuple[str, ...] = ()  # more msgids accepted as the header

    @cached_property
    def names(self) -> frozenset[str]:
        """Every header that means this column: its key, its label and aliases in either language."""
        return _words(self.label, *self.aliases) | {normalize(self.key)}


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, str]  # the file's text per column key
    errors: list[DomainError] = field(default_factory=list)
    action: str = ""  # create | update | unchanged; empty while the row has errors
    changed: list[str] = field(default_factory=list)
    target: dict[str, Any] = field(default_factory=dict)
    item: Any = None  # the existing item the row updates
    raw: list[str] = field(default_factory=list)  # the file's cells in its order, for a new mapping

    def fail(self, exc: DomainError) -> None:
        self.errors.append(exc)


class Lookups:
    """What rows are checked against, each table read once per check (no query per row)."""

    @cached_property
    def warehouses(self) -> dict[str, Warehouse]:
        return {w.code: w for w in Warehouse.select()}

    @cached_property
    def branches(self) -> dict[str, Branch]:
        return {b.code: b for b in Branch.select()}

    @cached_property
    def branch_codes(self) -> dict[int, str]:
        return {b.id: code for code, b in self.branches.items()}

    @cached_property
    def warehouse_codes(self) -> dict[int, str]:
        return {w.id: code for code, w in self.warehouses.items()}

    @cached_property
    def _cartridges(self) -> dict[str, dict[str, CartridgeModel]]:
        """Cartridge models by article, by name, and by name among those without an article; oldest wins."""
        found: dict[str, dict[str, CartridgeModel]] = {"article": {}, "name": {}, "bare": {}}
        for cartridge in CartridgeModel.select().order_by(CartridgeModel.id):
            found["article"].setdefault(cartridge.article.casefold(), cartridge)
            found["name"].setdefault(cartridge.name.casefold(), cartridge)
            if not cartridge.article:
                found["bare"].setdefault(cartridge.name.casefold(), cartridge)
        return found

    def cartridge_by_article(self, article: str) -> CartridgeModel | None:
        return self._cartridges["article"].get(article.casefold()) if article else None

    def cartridge_by_name(self, name: str, without_article: bool = False) -> CartridgeModel | None:
        return self._cartridges["bare" if without_article else "name"].get(name.casefold())

    @cached_property
    def printer_models(self) -> dict[str, PrinterModel]:
        found: dict[str, PrinterModel] = {}
        for model in PrinterModel.select().order_by(PrinterModel.id):
            found.setdefault(model.name.casefold(), model)  # the oldest of namesakes
        return found

    @cached_property
    def model_cartridges(self) -> dict[int, tuple[int, ...]]:
        links: dict[int, list[int]] = {}
        for link in PrinterModelCartridge.select():
            links.setdefault(link.printer_model_id, []).append(link.cartridge_id)
        return {model_id: tuple(sorted(ids)) for model_id, ids in links.items()}

    @cached_property
    def printers(self) -> dict[str, Printer]:
        found: dict[str, Printer] = {}
        for printer in Printer.select().where(Printer.inventory_number != "").order_by(Printer.id):
            found.setdefault(printer.inventory_number.casefold(), printer)
        return found

    @cached_property
    def onec(self) -> dict[str, dict[str, Any]]:
        """What 1C's keys and names point at: our warehouses and cartridges by 1C key, 1C names by kind."""
        found: dict[str, dict[str, Any]] = {"warehouse": {}, "cartridge": {}, "warehouse_name": {}, "item_name": {}}
        for warehouse in self.warehouses.values():
            if warehouse.onec_key:
                found["warehouse"][warehouse.onec_key] = warehouse
        for cartridge in CartridgeModel.select().where(CartridgeModel.onec_key.is_null(False)):
            found["cartridge"].setdefault(cartridge.onec_key, cartridge)
        for item in OnecItem.select():
            found["warehouse_name" if item.kind == "warehouse" else "item_name"].setdefault(
                normalize(item.name), item.key)
        return found

    @cached_property
    def users(self) -> list[User]:
        return list(User.select())

    @cached_property
    def user_by_login(self) -> dict[str, User]:
        return {u.username: u for u in self.users if u.username}

    @cached_property
    def user_by_telegram(self) -> dict[int, User]:
        return {u.telegram_id: u for u in self.users if u.telegram_id is not None}


@dataclass
class Context:
    actor: Actor
    lookups: Lookups = field(default_factory=Lookups)


class Kind:
    """One kind of item to import; subclasses fill in the columns and the steps."""

    name = ""
    label = ""  # msgid
    matched_by = ""  # msgid for the notes sheet: how a row finds the item it updates
    columns: tuple[Column, ...] = ()

    def resolve(self, values: dict[str, Any], ctx: Context, row: Row) -> None:
        """Turn references (codes, names) into column-space values; report unknown ones on the row."""

    def find(self, values: dict[str, Any], ctx: Context, row: Row) -> Any:
        raise NotImplementedError

    def current(self, item: Any, ctx: Context) -> dict[str, Any]:
        raise NotImplementedError

    def defaults(self) -> dict[str, Any]:
        raise NotImplementedError

    def clean(self, values: dict[str, Any], item: Any, ctx: Context) -> dict[str, Any]:
        """The values as they would be stored; raises DomainError through the domain's own cleaners."""
        raise NotImplementedError

    def keys(self, target: dict[str, Any]) -> list[tuple[str, Any]]:
        """(column, value) pairs no two rows of a file may share; the natural key first."""
        raise NotImplementedError

    def write(self, actor: Actor, target: dict[str, Any], item: Any, ctx: Context) -> None:
        raise NotImplementedError

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)
