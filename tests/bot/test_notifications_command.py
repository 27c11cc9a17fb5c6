"""/notifications in the bot: each event's channel and quiet hours, changed by pressing buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.core import notify_prefs
from helpdesk.db.models import User
from tests.bot.harness import BotHarness
from tests.bot.test_flows import SAM, button, last_message
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


@pytest.fixture
def bot(sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path) -> Iterator[BotHarness]:
    with BotHarness(emulator, tmp_path / "data") as harness:
        yield harness


def edits(emu: BotApiEmulator, count: int) -> dict:
    """The keyboard of the `count`-th edit of the notifications message."""
    calls = emu.wait_for(lambda c: c["method"] == "editMessageText" and c["ok"]
                         and str(c["params"].get("chat_id")) == str(SAM), count=count)
    return calls[count - 1]["result"]


def test_a_storekeeper_chooses_email_for_new_requests(bot: BotHarness, emulator: BotApiEmulator,
                                                      sqlite_org: Org) -> None:
    emulator.user_sends(SAM, "/notifications")
    menu = last_message(emulator, SAM, "Уведомления")
    assert button(menu, "Новые заявки для моего склада: Telegram, иначе почта")
    emulator.user_presses(SAM, menu["message_id"], button(menu, "Новые заявки"))
    emulator.user_presses(SAM, menu["message_id"], button(edits(emulator, 1), "Новые заявки"))
    second = edits(emulator, 2)
    assert button(second, "Новые заявки для моего склада: Эл. почта")
    emulator.user_presses(SAM, menu["message_id"], button(second, "🔔"))
    assert button(edits(emulator, 3), "🌙")
    prefs = notify_prefs.of(User.get_by_id(sqlite_org.sam.id))
    assert prefs == notify_prefs.Preferences({"new_request": "email"}, quiet_hours=True)
