"""The bot offers the Mini App (menu button and keyboard button) only when it is published over HTTPS."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from helpdesk.bot import dispatcher
from helpdesk.bot.routers.common import menu_for
from helpdesk.config import load_settings
from tests.miniapp.signing import TOKEN
from tests.support.botapi import BotApiEmulator


@pytest.mark.parametrize("public_url, expected", [
    ("https://help.example.org", {"type": "web_app", "text": "📱 Открыть приложение",
                                  "web_app": {"url": "https://help.example.org/miniapp/"}}),
    ("http://10.0.0.5:8080", {"type": "default"}),
    ("", {"type": "default"}),
])
def test_menu_button_opens_the_app_only_over_https(tmp_path: Path, public_url: str, expected: dict) -> None:
    with BotApiEmulator(token=TOKEN) as emulator:
        settings = load_settings({"data_dir": str(tmp_path), "bot_token": TOKEN,
                                          "telegram_api_url": emulator.base_url, "public_url": public_url},
                                         environ={})

        async def run() -> None:
            bot = dispatcher.build_bot(settings)
            try:
                await dispatcher.set_menu_button(bot, settings)
            finally:
                await bot.session.close()

        asyncio.run(run())
        button = emulator.sent(method="setChatMenuButton")[-1]["params"]["menu_button"]
        assert (json.loads(button) if isinstance(button, str) else button) == expected
        keyboard = menu_for(settings, "ru").keyboard
        assert (keyboard[-1][0].web_app is not None) == public_url.startswith("https://")
