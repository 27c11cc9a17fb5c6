"""Stock balances from 1C: test the connection, read 1C's items, sync balances into our stock.

A sync reads the register's `Balance` for the mapped warehouses and writes every mapped warehouse ×
mapped cartridge as stock with source `1c` and the time (1C leaves zero balances out, so a mapped pair
it does not list is 0). It writes all or nothing: when 1C fails midway, the last known balances stay,
with their age. Warehouses or items whose keys 1C no longer knows are skipped and named ("partial").
The outcome is kept in the `setting` table for the 1C page and /healthz.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from helpdesk.config import OneCSettings
from helpdesk.core import audit, onec_settings
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.org_settings import store_value, stored_value
from helpdesk.db.database import db, is_sqlite, write_transaction
from helpdesk.db.models import CartridgeModel, OnecItem, Stock, Warehouse, utcnow
from helpdesk.i18n import translate
from helpdesk.integrations.onec import Connection, Item, OneCClient
from helpdesk.integrations.onec_errors import OneCError
from helpdesk.integrations.onec_metadata import Metadata

log = logging.getLogger(__name__)
STATE_KEY = "onec_sync_state"
UPSERT_CHUNK = 500  # rows per statement (SQLite allows 32,766 parameters)


@dataclass
class Outcome:
    state: str  # ok | partial | error
    at: dt.datetime
    written: int = 0
    changed: int = 0
    warehouses: int = 0
    cartridges: int = 0
    requests: int = 0
    seconds: float = 0.0
    error: dict[str, Any] | None = None  # {"kind":…, "params":…}
    missing: dict[str, list[str]] = field(default_factory=dict)  # "warehouses"/"cartridges" -> our names

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


def error_text(error: dict[str, Any] | None, lang: str) -> str:
    """A stored error in plain words, in the reader's language."""
    if not error:
        return ""
    kind = error.get("kind", "")
    try:
        return translate(OneCError(kind).msgid, lang, **dict(error.get("params") or {}))
    except (KeyError, ValueError):
        return kind


def _error(exc: OneCError) -> dict[str, Any]:
    return {"kind": exc.kind, "params": {k: str(v) for k, v in exc.params.items()}}


# --- the register, as $metadata tells ------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    register: str
    dimensions: list[str]
    resources: list[str]
    registers: list[str]  # every register 1C publishes (to pick from when ours is missing)
    items: int | None = None
    warehouses: int | None = None


def check_register(meta: Metadata, conn: Connection) -> Found:
    """The configured register and fields as 1C publishes them; OneCError("register"/"field") when not."""
    fields_found = meta.register_fields(conn.register)
    if fields_found is None:
        raise OneCError("register", name=conn.register)
    dimensions, resources = fields_found
    for name in (conn.item_dimension, conn.warehouse_dimension):
        if name not in dimensions:
            raise OneCError("field", register=conn.register, name=name)
    if conn.resource not in resources:
        raise OneCError("field", register=conn.register, name=conn.resource)
    return Found(conn.register, dimensions, resources, meta.registers())


def test_connection(actor: Actor, conn: Connection) -> Found:
    """Read $metadata, find the register and its fields, count 1C's items and warehouses. Writes nothing."""
    require_admin(actor)
    with OneCClient(conn) as client:
        meta = client.metadata()
        try:
            found = check_register(meta, conn)
        except OneCError as exc:
            exc.params.setdefault("registers", ", ".join(meta.registers()) or "—")
            raise
        items = client.count(f"Catalog_{conn.items_catalog}", {"$filter": "IsFolder eq false"})
        warehouses = client.count(f"Catalog_{conn.warehouses_catalog}")
    return Found(found.register, found.dimensions, found.resources, found.registers, items, warehouses)


# --- 1C's lists, kept for mapping ----------------------------------------------------------------

def store_items(items: list[Item], warehouses: list[Item]) -> None:
    """Replace the kept copy of 1C's nomenclature and warehouses."""
    now = utcnow()
    rows = ([{"key": i.key, "kind": "item", "name": i.name[:300], "article": i.article[:100], "code": i.code[:100],
              "fetched_at": now} for i in items]
            + [{"key": w.key, "kind": "warehouse", "name": w.name[:300], "article": "", "code": w.code[:100],
                "fetched_at": now} for w in warehouses])
    with write_transaction():
        OnecItem.delete().execute()
        for start in range(0, len(rows), UPSERT_CHUNK):
            OnecItem.insert_many(rows[start:start + UPSERT_CHUNK]).on_conflict_ignore().execute()


def refresh_items(actor: Actor, base: OneCSettings, secret_key: bytes) -> tuple[int, int]:
    """Read 1C's items and warehouses now, for the mapping lists; (items, warehouses)."""
    require_admin(actor)
    with OneCClient(onec_settings.connection(base, secret_key)) as client:
        items, warehouses = client.items(), client.warehouses()
    store_items(items, warehouses)
    return len(items), len(warehouses)


# --- the sync --------------------------------------------------------------------------------------

def last_outcome() -> dict[str, Any] | None:
    value = stored_value(STATE_KEY)
    return dict(value) if isinstance(value, dict) else None


def _save_outcome(outcome: Outcome) -> None:
    previous = last_outcome() or {}
    state = outcome.to_json()
    # The time of the last good sync survives failures: it is what the figures' age is counted from.
    state["ok_at"] = state["at"] if outcome.state != "error" else previous.get("ok_at")
    with write_transaction():
        store_value(STATE_KEY, state)


def _write(pairs: dict[tuple[int, int], int], now: dt.datetime) -> int:
    """Write the balances as 1C stock, all stamped `now`; the count of rows new or changed.

    Only those are upserted; the rest get their new time in one UPDATE per sync (a sync that changes
    little must not rewrite a hundred thousand rows one by one).
    """
    warehouse_ids = list({w for w, _ in pairs})
    Stock.update(updated_at=now).where(Stock.warehouse.in_(warehouse_ids) & (Stock.source == "1c")).execute()
    if not is_sqlite():
        return _write_set_wise(pairs, now)
    query = (Stock.select(Stock.warehouse, Stock.cartridge, Stock.quantity, Stock.source)
             .where(Stock.warehouse.in_(warehouse_ids)))
    # The cursor's rows as they come: peewee's row wrapping costs seconds at 100k rows.
    existing = {(w, c): (q, s) for w, c, q, s in db.execute(query).fetchall()}
    stamp = Stock.updated_at.db_value(now)
    rows = [(w, c, q, "1c", stamp) for (w, c), q in pairs.items() if existing.get((w, c)) != (q, "1c")]
    for start in range(0, len(rows), UPSERT_CHUNK):
        _upsert(rows[start:start + UPSERT_CHUNK])
    return len(rows)


UPSERT = ('INSERT INTO "stock" ("warehouse_id", "cartridge_id", "quantity", "source", "updated_at") {values} '
          'ON CONFLICT ("warehouse_id", "cartridge_id") DO UPDATE SET "quantity" = EXCLUDED."quantity", '
          '"source" = EXCLUDED."source", "updated_at" = EXCLUDED."updated_at"')


def _upsert(chunk: list[tuple[Any, ...]]) -> None:
    """SQLite: plain SQL with a VALUES list (peewee's insert_many builds it value by value, far slower)."""
    values = "VALUES " + ", ".join([f"({', '.join([db.param] * 5)})"] * len(chunk))
    db.execute_sql(UPSERT.format(values=values), [value for row in chunk for value in row])


def _write_set_wise(pairs: dict[tuple[int, int], int], now: dt.datetime) -> int:
    """PostgreSQL: COPY the balances into a temporary table, then one upsert that touches only changes.

    Sending 100k rows as statement parameters cost ~16 s in psycopg's parameter handling; COPY streams
    them in one round. The upsert's WHERE skips rows already equal, so its row count is the changes.
    Called inside the sync's write transaction: the table is dropped at its commit or rollback.
    """
    cursor = db.cursor()
    cursor.execute('CREATE TEMPORARY TABLE "onec_balance_in" ("warehouse_id" integer, "cartridge_id" integer, '
                   '"quantity" integer) ON COMMIT DROP')
    with cursor.copy('COPY "onec_balance_in" ("warehouse_id", "cartridge_id", "quantity") FROM STDIN') as copy:
        for (warehouse_id, cartridge_id), quantity in pairs.items():
            copy.write_row((warehouse_id, cartridge_id, quantity))
    cursor.execute(
        UPSERT.format(values='SELECT "warehouse_id", "cartridge_id", "quantity", \'1c\', %s FROM "onec_balance_in"')
        + ' WHERE "stock"."quantity" <> EXCLUDED."quantity" OR "stock"."source" <> EXCLUDED."source"',
        [Stock.updated_at.db_value(now)])
    return cursor.rowcount


def sync(actor: Actor, base: OneCSettings, secret_key: bytes) -> Outcome:
    """Read the balances of every mapped warehouse and cartridge from 1C and write them as our stock."""
    require_admin(actor)
    started = time.monotonic()
    outcome = Outcome("ok", utcnow())
    conn = onec_settings.connection(base, secret_key)
    client: OneCClient | None = None
    try:
        client = OneCClient(conn)
        check_register(client.metadata(), conn)
        items, warehouses_1c = client.items(), client.warehouses()
        store_items(items, warehouses_1c)
        known_items = {i.key for i in items}
        known_warehouses = {w.key for w in warehouses_1c}
        warehouses = list(Warehouse.select().where(Warehouse.active & Warehouse.onec_key.is_null(False)))
        cartridges = list(CartridgeModel.select().where(CartridgeModel.onec_key.is_null(False)))
        outcome.missing = {
            "warehouses": [w.code for w in warehouses if w.onec_key not in known_warehouses],
            "cartridges": [c.name for c in cartridges if c.onec_key not in known_items]}
        warehouses = [w for w in warehouses if w.onec_key in known_warehouses]
        cartridges = [c for c in cartridges if c.onec_key in known_items]
        balances = client.balances([w.onec_key for w in warehouses]) if warehouses and cartridges else {}
        pairs = {(w.id, c.id): max(0, round(balances.get((w.onec_key, c.onec_key), 0.0)))
                 for w in warehouses for c in cartridges}
        with write_transaction():
            outcome.changed = _write(pairs, outcome.at) if pairs else 0
            if outcome.changed:
                audit.record(actor, "onec_sync", entity="stock", entity_id="1c",
                             after={"changed": outcome.changed, "warehouses": len(warehouses)})
        outcome.written, outcome.warehouses, outcome.cartridges = len(pairs), len(warehouses), len(cartridges)
        if outcome.missing["warehouses"] or outcome.missing["cartridges"]:
            outcome.state = "partial"
    except OneCError as exc:
        outcome.state, outcome.error = "error", _error(exc)
        log.warning("1C sync failed: %s", exc.kind)
    finally:
        if client is not None:
            outcome.requests = client.requests
            client.close()
        outcome.seconds = round(time.monotonic() - started, 3)
    _save_outcome(outcome)
    return outcome


def is_due(base: OneCSettings, secret_key: bytes, now: dt.datetime | None = None) -> bool:
    """A periodic sync is due when 1C is set up, the interval is not 0 and has passed since the last try."""
    current = onec_settings.effective(base, secret_key)
    minutes = int(current.settings.sync_minutes)
    if not current.configured or minutes <= 0:
        return False
    last = last_outcome()
    if not last or not last.get("at"):
        return True
    return (now or utcnow()) - dt.datetime.fromisoformat(str(last["at"])) >= dt.timedelta(minutes=minutes) \
        - dt.timedelta(seconds=5)


def sync_if_due(base: OneCSettings, secret_key: bytes) -> Outcome | None:
    """The periodic job's step (every minute): sync when the configured interval has passed."""
    if not is_due(base, secret_key):
        return None
    return sync(Actor.system(), base, secret_key)


def health(base: OneCSettings, secret_key: bytes) -> dict[str, Any]:
    """For /healthz: the state of the last sync and the figures' age, never the error text."""
    if not onec_settings.effective(base, secret_key).configured:
        return {"state": "off"}
    last = last_outcome()
    if not last:
        return {"state": "never"}
    ok_at = last.get("ok_at")
    age = int((utcnow() - dt.datetime.fromisoformat(ok_at)).total_seconds()) if ok_at else None
    return {"state": last.get("state", "error"), "error": last.get("error", {}) and last["error"].get("kind"),
            "age_seconds": age}
