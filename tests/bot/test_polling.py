"""The poller's lanes (a batch's chats side by side, each chat in order, the batch confirmed after) and
the per-update cost: an update's database work in as few thread hops as its steps need."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiogram import Bot, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message, Update

from helpdesk.bot.polling import LanePolling, lanes
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator

ANN, BEN = 5001, 5002


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    with BotApiEmulator() as emu:
        yield emu


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


def test_a_members_update_visits_the_database_twice(sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Handled before? and who sent it: one hop; the record that it was handled: one more. /help, and a
    member's /cancel with no form open (the IsMember filter; a state that does not change), need no other."""
    hops: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(func, /, *args, **kwargs):  # noqa: ANN001, ANN202 - asyncio.to_thread's signature
        hops.append(func.__name__)
        return await to_thread(func, *args, **kwargs)

    bob = 1004  # a member (tests/conftest.py)
    with BotHarness(emulator, tmp_path / "data"):
        first = emulator.user_sends(bob, "/cancel")  # the chat's FSM row is read once, then known: not counted
        emulator.wait_for_message(bob, contains="")
        emulator.wait_confirmed(first["update_id"])
        monkeypatch.setattr(asyncio, "to_thread", counted)
        for text in ("/help", "/cancel"):
            hops.clear()
            update_id = emulator.user_sends(bob, text)["update_id"]
            emulator.wait_confirmed(update_id)  # by the next getUpdates: the update's work is all done
            assert hops == ["_seen_and_sender", "_remember"], (text, hops)
