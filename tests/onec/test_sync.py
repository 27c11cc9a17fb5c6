"""Syncing 1C's balances into our stock: mapping, full sync, and every way 1C can fail."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk.core import catalog, onec_mapping, onec_settings, onec_sync, stock
from helpdesk.core.actors import Actor
from helpdesk.core.errors import Conflict
from helpdesk.db.models import AuditEvent, OnecItem, Stock, utcnow
from helpdesk.i18n import use_language
from helpdesk.integrations.onec_errors import OneCError
from helpdesk.web.miniapp import views
from tests.conftest import Org
from tests.onec.conftest import SECRET, base_settings
from tests.support.fake_onec import FakeOneC, key

SQLITE_ONLY = pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # 1C's side; the engine is no matter


def _map(org: Org, fake: FakeOneC) -> Actor:
    admin = org.actor("alice")
    onec_mapping.map_warehouse(admin, org.w1.id, fake.data.warehouses[0]["Ref_Key"])
    onec_mapping.map_warehouse(admin, org.w2.id, fake.data.warehouses[1]["Ref_Key"])
    onec_mapping.map_cartridge(admin, org.toner.id, fake.data.items[0]["Ref_Key"])
    onec_mapping.map_cartridge(admin, org.drum.id, fake.data.items[1]["Ref_Key"])
    return admin


def _levels(org: Org) -> dict[tuple[str, str], tuple[int, str]]:
    return {(row.warehouse.code, row.cartridge.name): (row.quantity, row.source)
            for row in stock.levels(org.actor("alice"))}


@SQLITE_ONLY
def test_test_connection_finds_the_register_and_counts(org: Org, fake: FakeOneC) -> None:
    found = onec_sync.test_connection(org.actor("alice"), onec_settings.connection_of(base_settings(fake)))
    assert found.register == "ТоварыНаСкладах"
    assert {"Номенклатура", "Склад"} <= set(found.dimensions) and "ВНаличии" in found.resources
    assert (found.items, found.warehouses) == (3, 2)  # the folder is no item


def test_full_sync_writes_1c_balances_with_time(org: Org, fake: FakeOneC) -> None:
    _map(org, fake)
    outcome = onec_sync.sync(org.actor("alice"), base_settings(fake), SECRET)
    assert outcome.state == "ok", outcome.error
    assert _levels(org) == {("W1", "HP 85A"): (15, "1c"), ("W1", "Brother DR-2300"): (2, "1c"),
                            ("W2", "HP 85A"): (4, "1c"), ("W2", "Brother DR-2300"): (0, "1c")}
    assert OnecItem.select().where(OnecItem.kind == "item").count() == 3  # kept for the mapping lists
    assert onec_sync.health(base_settings(fake), SECRET)["state"] == "ok"
    # The branch orders from W1 and sees 1C's figure with its time.
    offer = next(o for o in catalog.offers_for_branch(org.b1) if o.cartridge.id == org.toner.id)
    assert offer.stock_note("ru").startswith("в наличии: 15 · по данным 1С на ")
    with use_language("en"):  # the Mini App gets the same words from the same function
        assert views.offer(offer)["stock_note"].startswith("in stock: 15 · 1C as of ")
    # A local change on a mapped item is refused: the next sync would overwrite it.
    with pytest.raises(Conflict):
        stock.adjust(org.actor("alice"), org.w1, org.toner, 5, "delivery")


def test_a_sync_writes_only_changes_and_restamps_the_rest(org: Org, fake: FakeOneC) -> None:
    """Both engines: PostgreSQL writes through COPY and one upsert, SQLite through VALUES lists."""
    admin = _map(org, fake)
    first = onec_sync.sync(admin, base_settings(fake), SECRET)
    assert (first.written, first.changed) == (4, 4)  # three new, and W1/HP 85A was 10 by hand: now 15
    second = onec_sync.sync(admin, base_settings(fake), SECRET)
    assert (second.written, second.changed) == (4, 0)
    assert {row.updated_at for row in Stock.select().where(Stock.source == "1c")} == {second.at}
    fake.data.balances[(fake.data.warehouses[1]["Ref_Key"], fake.data.items[1]["Ref_Key"])] = 6.0
    third = onec_sync.sync(admin, base_settings(fake), SECRET)
    assert third.changed == 1 and _levels(org)[("W2", "Brother DR-2300")] == (6, "1c")
    events = AuditEvent.select().where(AuditEvent.action == "onec_sync").order_by(AuditEvent.id)
    assert [e.after["changed"] for e in events] == [4, 1]  # a sync that changed nothing leaves no event


def test_partial_failure_names_what_1c_does_not_know(org: Org, fake: FakeOneC) -> None:
    admin = _map(org, fake)
    onec_mapping.map_cartridge(admin, org.drum.id, key("item", 999))  # deleted in 1C since
    outcome = onec_sync.sync(admin, base_settings(fake), SECRET)
    assert outcome.state == "partial"
    assert outcome.missing == {"warehouses": [], "cartridges": ["Brother DR-2300"]}
    assert _levels(org)[("W1", "HP 85A")] == (15, "1c")


@SQLITE_ONLY
@pytest.mark.parametrize(("change", "kind"), [
    ("password", "auth"), ("path", "url"), ("register", "register"), ("rights", "rights"), ("down", "unreachable"),
])
def test_failures_keep_the_last_balances_and_say_why(org: Org, fake: FakeOneC, change: str, kind: str) -> None:
    _map(org, fake)
    settings = base_settings(fake)
    assert onec_sync.sync(org.actor("alice"), settings, SECRET).state == "ok"
    before = {row.id: (row.quantity, row.updated_at) for row in Stock.select()}
    fake.data.balances.clear()
    if change == "password":
        settings = base_settings(fake, password="неверный")  # type: ignore[arg-type]
    elif change == "path":
        settings = base_settings(fake, url=fake.url.replace("/trade/", "/trad/"))  # type: ignore[arg-type]
    elif change == "register":
        fake.register = "ТоварыОрганизаций"  # renamed in 1C
    elif change == "rights":
        fake.forbidden.add("AccumulationRegister_ТоварыНаСкладах")
    else:
        fake.stop()
    outcome = onec_sync.sync(org.actor("alice"), settings, SECRET)
    assert outcome.state == "error" and outcome.error and outcome.error["kind"] == kind
    assert {row.id: (row.quantity, row.updated_at) for row in Stock.select()} == before
    text = onec_sync.error_text(onec_sync.last_outcome()["error"], "en")  # type: ignore[index]
    assert text and "%(" not in text
    health = onec_sync.health(settings, SECRET)
    assert health["state"] == "error" and health["age_seconds"] is not None


@SQLITE_ONLY
def test_renamed_register_is_found_again_after_setting_the_name(org: Org, fake: FakeOneC) -> None:
    _map(org, fake)
    fake.register = "ТоварыНаСкладахНовый"
    with pytest.raises(OneCError) as caught:
        onec_sync.test_connection(org.actor("alice"), onec_settings.connection_of(base_settings(fake)))
    assert caught.value.kind == "register" and "ТоварыНаСкладахНовый" in caught.value.params["registers"]
    onec_settings.save(org.actor("alice"), SECRET, {"register": "ТоварыНаСкладахНовый"})
    assert onec_sync.sync(org.actor("alice"), base_settings(fake), SECRET).state == "ok"


@SQLITE_ONLY
def test_down_then_back(org: Org, fake: FakeOneC) -> None:
    _map(org, fake)
    settings = base_settings(fake)
    onec_sync.sync(org.actor("alice"), settings, SECRET)
    fake.stop()
    assert onec_sync.sync(org.actor("alice"), settings, SECRET).state == "error"
    fake.data.balances[(fake.data.warehouses[0]["Ref_Key"], fake.data.items[0]["Ref_Key"])] = 7.0
    fake.start()  # the same port
    assert onec_sync.sync(org.actor("alice"), settings, SECRET).state == "ok"
    assert _levels(org)[("W1", "HP 85A")] == (7, "1c")


@SQLITE_ONLY
def test_timeout_then_retry_of_an_internal_error(org: Org, fake: FakeOneC) -> None:
    _map(org, fake)
    fake.fail_next = 1  # 1C's error -1 once: the retry gets through
    assert onec_sync.sync(org.actor("alice"), base_settings(fake), SECRET).state == "ok"
    fake.delay = 1.3
    started = dt.datetime.now()
    outcome = onec_sync.sync(org.actor("alice"), base_settings(fake, timeout=1), SECRET)  # type: ignore[arg-type]
    assert outcome.error and outcome.error["kind"] == "timeout"
    assert outcome.requests == 3  # the first try and two retries, then it gives up
    assert (dt.datetime.now() - started).total_seconds() < 10


@SQLITE_ONLY
def test_many_warehouses_are_asked_in_batches_of_short_urls(org: Org, fake: FakeOneC) -> None:
    from helpdesk.db.models import Warehouse

    admin = _map(org, fake)
    for n in range(40):
        ref = fake.data.add_warehouse(f"Склад {n}")
        fake.data.balances[(ref, fake.data.items[0]["Ref_Key"])] = float(n)
        onec_mapping.map_warehouse(admin, Warehouse.create(code=f"X{n}", name=f"X {n}").id, ref)
    outcome = onec_sync.sync(admin, base_settings(fake), SECRET)
    assert outcome.state == "ok", outcome.error
    balance_calls = [r for r in fake.requests if "/Balance(" in r]
    assert len(balance_calls) > 1
    assert _levels(org)[("X39", "HP 85A")] == (39, "1c")


@SQLITE_ONLY
def test_age_reads_as_time_then_hours(org: Org) -> None:
    from helpdesk.core.stock_age import stock_note

    now = utcnow()
    assert stock_note(3, "1c", now - dt.timedelta(hours=3), "ru", now) == "в наличии: 3 · по данным 1С, 3 ч назад"
    assert stock_note(3, "1c", now - dt.timedelta(hours=3), "en", now) == "in stock: 3 · 1C, 3 h ago"
    assert stock_note(3, "manual", now, "en", now) == "in stock: 3"


@SQLITE_ONLY
def test_suggestions_and_search(org: Org, fake: FakeOneC) -> None:
    admin = org.actor("alice")
    onec_sync.refresh_items(admin, base_settings(fake), SECRET)
    assert [i.article for i in onec_mapping.suggestions(org.toner)] == ["CE285A"]
    assert [i.name for i in onec_mapping.search(admin, "бараБАН")] == ["Фотобарабан Brother DR-2300"]
    assert onec_mapping.map_by_article(admin) == 2
    assert onec_mapping.unmapped_cartridges() == []


@SQLITE_ONLY
def test_the_periodic_job_syncs_when_the_interval_has_passed(org: Org, fake: FakeOneC) -> None:
    _map(org, fake)
    settings = base_settings(fake, sync_minutes=15)
    assert onec_sync.is_due(settings, SECRET)  # never synced
    assert onec_sync.sync_if_due(settings, SECRET) is not None
    assert onec_sync.sync_if_due(settings, SECRET) is None  # not again within 15 minutes
    assert onec_sync.is_due(settings, SECRET, utcnow() + dt.timedelta(minutes=15))
    assert not onec_sync.is_due(base_settings(fake, sync_minutes=0), SECRET)  # by hand only
    events = [e.channel for e in AuditEvent.select().where(AuditEvent.action == "onec_sync")]
    assert events == ["system"]  # the job's sync is audited as the system's
