"""The poller's lanes (a batch's chats side by side, each chat in order, the batch confirmed after) and
the per-update cost: an update's database work in as few thread hops as its steps need."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiogram import Bot, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message, Update

from helpdesk.bot.polling import LanePolling, lanes
from helpdesk.core import cache, people
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator

ANN, BEN = 5001, 5002


def test_lanes_keep_each_chats_order() -> None:
    def message(update_id: int, chat: int) -> Update:
        return Update.model_validate({"update_id": update_id, "message": {
            "message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "x"}})

    batch = [message(1, ANN), message(2, BEN), message(3, ANN), message(4, BEN), message(5, ANN)]
    assert [[u.update_id for u in lane] for lane in lanes(batch)] == [[1, 3, 5], [2, 4]]


def test_a_slow_chat_holds_neither_other_chats_nor_its_order_and_the_batch_is_confirmed_after(
        emulator: BotApiEmulator) -> None:
    handled: list[str] = []

    async def main() -> None:
        release = asyncio.Event()
        router = Router()

        @router.message()
        async def on_message(message: Message) -> None:
            if message.text == "slow":
                await release.wait()
            handled.append(message.text or "")
            await message.answer(f"done {message.text}")

        dispatcher = LanePolling()
        dispatcher.include_router(router)
        bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)))
        ids = [emulator.user_sends(ANN, "slow")["update_id"], emulator.user_sends(BEN, "quick")["update_id"],
               emulator.user_sends(ANN, "after slow")["update_id"]]
        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, handle_as_tasks=False))
        try:
            await asyncio.to_thread(emulator.wait_for_message, BEN, "done quick")
            assert handled == ["quick"], "the other chat went on; this chat's next update waits for the slow one"
            assert emulator.pending_updates() == ids, "nothing confirmed while part of the batch is unhandled"
            release.set()
            await asyncio.to_thread(emulator.wait_for_message, ANN, "done after slow")
            assert handled == ["quick", "slow", "after slow"]
            await asyncio.to_thread(emulator.wait_confirmed, ids[-1])
        finally:
            await dispatcher.stop_polling()
            await polling

    asyncio.run(main())


def test_a_new_update_from_a_remembered_member_visits_the_database_once(
        sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new update needs no hop before its handler when its sender is remembered, and one for the record
    that it was handled. A change to the user is seen at once (here: deactivated, then refused); a
    redelivered update is looked up (handled before? and who sent it: one hop) and dropped."""
    monkeypatch.setattr(cache, "SETTLE_SECONDS", 0.0)  # the personas were written just now
    hops: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(func, /, *args, **kwargs):  # noqa: ANN001, ANN202 - asyncio.to_thread's signature
        hops.append(func.__name__)
        return await to_thread(func, *args, **kwargs)

    def send(text: str) -> str:
        """The bot's answer, once the update's work is all done (confirmed by the next getUpdates)."""
        hops.clear()
        before = len(emulator.texts_for(bob))
        update_id = emulator.user_sends(bob, text)["update_id"]
        emulator.wait_for(lambda c: c["method"] == "sendMessage" and c["ok"] and c["chat_id"] == bob,
                          count=before + 1)
        emulator.wait_confirmed(update_id)
        return emulator.texts_for(bob)[-1]

    bob = 1004  # a member (tests/conftest.py)
    with BotHarness(emulator, tmp_path / "data"):
        send("/cancel")  # the chat's FSM row is read once, then known; the sender is remembered from now
        monkeypatch.setattr(asyncio, "to_thread", counted)
        for text in ("/help", "/cancel"):
            send(text)
            assert hops == ["remember"], (text, hops)
        people.set_active(sqlite_org.actor("alice"), sqlite_org.bob, False)
        assert "нет доступа" in send("/my"), "a deactivated member is refused at once"
        assert hops == ["sender", "remember"], hops
        send("/help")
        handled = max(emulator._confirmed)
        hops.clear()
        emulator.redeliver(handled)
        send_after = emulator.user_sends(bob, "/help")  # after it, to know the redelivery was consumed
        emulator.wait_confirmed(send_after["update_id"])
        assert hops == ["_seen_and_sender", "remember"], "looked up, dropped; the next one is new"
        assert len([t for t in emulator.texts_for(bob) if "/cancel" in t]) == 3, "no second answer to /help"
