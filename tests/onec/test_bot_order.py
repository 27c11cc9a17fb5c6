"""A branch user ordering in the bot sees 1C's balance with its age, before and after 1C goes away."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpdesk.core import onec_mapping, onec_sync
from helpdesk.db.models import Stock
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.onec.conftest import SECRET, base_settings
from tests.support.botapi import BotApiEmulator
from tests.support.fake_onec import FakeOneC

BOB = 1004


def _cartridge_menu(emu: BotApiEmulator, count: int = 1) -> str:
    emu.user_sends(BOB, "🖨 Заказать картриджи")
    menu = emu.wait_for_message(BOB, contains="Выберите картридж", timeout=10, count=count)[-1]["result"]
    return menu["reply_markup"]["inline_keyboard"][0][0]["text"]


def test_branch_user_sees_the_synced_balance_and_its_age(sqlite_org: Org, fake: FakeOneC, emulator: BotApiEmulator,
                                                         tmp_path: Path) -> None:
    admin = sqlite_org.actor("alice")
    onec_mapping.map_warehouse(admin, sqlite_org.w1.id, fake.data.warehouses[0]["Ref_Key"])
    onec_mapping.map_cartridge(admin, sqlite_org.toner.id, fake.data.items[0]["Ref_Key"])
    assert onec_sync.sync(admin, base_settings(fake), SECRET).state == "ok"
    with BotHarness(emulator, tmp_path / "data"):
        first = _cartridge_menu(emulator)
        assert "★ HP 85A · в наличии: 15 · по данным 1С на " in first  # 1C's 15, not the 10 kept by hand

        # 1C goes down; three hours later the figure stays, and says how old it is.
        fake.stop()
        assert onec_sync.sync(admin, base_settings(fake), SECRET).state == "error"
        row = Stock.get(warehouse=sqlite_org.w1, cartridge=sqlite_org.toner)
        Stock.update(updated_at=row.updated_at - dt.timedelta(hours=3, minutes=1)).where(Stock.id == row.id).execute()
        emulator.user_sends(BOB, "/cancel")
        later = _cartridge_menu(emulator, count=2)
        assert "в наличии: 15 · по данным 1С, 3 ч назад" in later
