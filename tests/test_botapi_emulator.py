"""The Bot API emulator is faithful enough for the real aiogram: long polling, replies, inline buttons,
Telegram's errors and limits, files. Every test drives aiogram's own Bot/Dispatcher over loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    Update,
)

from tests.support.botapi import BotApiEmulator
from tests.support.botapi_types import image_size, jpeg_bytes, png_bytes

pytestmark = pytest.mark.timeout(60)

USER = 4242
OTHER = 4343


@pytest.fixture
def emu() -> Iterator[BotApiEmulator]:
    with BotApiEmulator() as emulator:
        yield emulator


def make_bot(emu: BotApiEmulator, token: str | None = None) -> Bot:
    return Bot(token or emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))


def keyboard(*callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=d, callback_data=d)]
                                                 for d in callback_data])


def echo_router(seen: list[tuple[int, str]]) -> Router:
    """/start, an echo with a button, the button's handler and a photo handler that downloads the file."""
    router = Router()

    @router.message(Command("start"))
    async def start(message: Message, command: CommandObject, event_update: Update) -> None:
        seen.append((event_update.update_id, message.text or ""))
        await message.answer(f"welcome {command.args or ''}".strip())

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot, event_update: Update) -> None:
        seen.append((event_update.update_id, "photo"))
        assert message.photo is not None
        file = await bot.get_file(message.photo[-1].file_id)
        assert file.file_path is not None
        data = (await bot.download_file(file.file_path)).getvalue()  # type: ignore[union-attr]
        await message.answer(f"got {len(data)} bytes, {image_size(data)}, caption {message.caption}")

    @router.message(F.text)
    async def echo(message: Message, event_update: Update) -> None:
        seen.append((event_update.update_id, message.text or ""))
        await message.answer(f"echo: {message.text}", reply_markup=keyboard(f"again:{message.message_id}"))

    @router.callback_query(F.data.startswith("again:"))
    async def again(query: CallbackQuery, event_update: Update) -> None:
        seen.append((event_update.update_id, query.data or ""))
        await query.answer("pressed")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"pressed {query.data}")

    return router


async def polling(emu: BotApiEmulator, router: Router, steps: Callable[[], None]) -> None:
    """Run the real aiogram poller while `steps` (blocking test code playing the users) runs in a thread."""
    bot = make_bot(emu)
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10))
    try:
        await asyncio.to_thread(steps)
    finally:
        with contextlib.suppress(RuntimeError):  # polling never started
            await dispatcher.stop_polling()
        await asyncio.wait_for(task, 5)
        await bot.session.close()


def test_poller_echo_inline_button_and_edit(emu: BotApiEmulator) -> None:
    seen: list[tuple[int, str]] = []
    pressed: dict[str, str] = {}

    def steps() -> None:
        start = emu.user_sends(USER, "/start abc", first_name="Ann", username="ann_user")
        assert start["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        emu.wait_for_message(USER, contains="welcome abc")
        emu.user_sends(USER, "hello")
        reply = emu.wait_for_message(USER, contains="echo: hello")[-1]["result"]
        assert reply["from"]["id"] == 123456 and reply["from"]["is_bot"] is True
        assert reply["chat"] == {"id": USER, "first_name": "Ann", "username": "ann_user", "type": "private"}
        pressed["data"] = reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        emu.user_presses(USER, reply["message_id"], pressed["data"], require_button=True)
        emu.wait_for(lambda c: c["method"] == "editMessageText" and c["ok"])

    asyncio.run(polling(emu, echo_router(seen), steps))

    assert [text for _, text in seen] == ["/start abc", "hello", pressed["data"]]
    assert [update_id for update_id, _ in seen] == sorted(update_id for update_id, _ in seen)
    assert [(a["text"], a["data"], a["user_id"]) for a in emu.callback_answers] == [("pressed", pressed["data"], USER)]
    welcome, edited = emu.messages_for(USER)
    assert welcome["text"] == "welcome abc"
    # edit_text without reply_markup removes the keyboard, as Telegram does
    assert edited["text"] == f"pressed {pressed['data']}" and "reply_markup" not in edited and edited["edit_date"]
    assert [c["method"] for c in emu.sent(USER)] == ["sendMessage", "sendMessage", "answerCallbackQuery",
                                                     "editMessageText"]
    assert emu.get_updates_calls >= 2 and emu.sent(method="getMe")


def test_redelivered_update_reaches_the_handler_again_with_its_update_id(emu: BotApiEmulator) -> None:
    seen: list[tuple[int, str]] = []
    ids: dict[str, int] = {}

    def steps() -> None:
        ids["once"] = emu.user_sends(USER, "once")["update_id"]
        emu.wait_for_message(USER, contains="echo: once")
        emu.wait_confirmed(ids["once"])
        emu.redeliver(ids["once"])
        emu.wait_for_message(USER, contains="echo: once", count=2)
        ids["after"] = emu.user_sends(USER, "after")["update_id"]
        emu.wait_for_message(USER, contains="echo: after")

    asyncio.run(polling(emu, echo_router(seen), steps))

    assert seen == [(ids["once"], "once"), (ids["once"], "once"), (ids["after"], "after")]
    assert emu.deliveries[ids["once"]] == 2 and emu.deliveries[ids["after"]] == 1


def test_photo_through_the_poller_get_file_and_download(emu: BotApiEmulator) -> None:
    seen: list[tuple[int, str]] = []

    def steps() -> None:
        update = emu.user_sends_photo(USER, caption="printer jam")
        sizes = update["message"]["photo"]
        assert [(s["width"], s["height"]) for s in sizes] == [(90, 68), (320, 240)]
        reply = emu.wait_for_message(USER, contains="got ")[-1]["result"]
        assert reply["text"] == f"got {sizes[-1]['file_size']} bytes, (320, 240), caption printer jam"

    asyncio.run(polling(emu, echo_router(seen), steps))
    assert [c["method"] for c in emu.sent()][-2:] == ["getFile", "sendMessage"]


def test_long_polling_offset_limit_timeout_and_allowed_updates(emu: BotApiEmulator) -> None:
    async def main() -> None:
        async with make_bot(emu) as bot:
            started = time.monotonic()
            assert await bot.get_updates(timeout=1) == []
            assert 0.9 <= time.monotonic() - started < 3, "an empty long poll waits for its timeout"

            asyncio.get_running_loop().call_later(0.3, emu.user_sends, USER, "late")
            started = time.monotonic()
            first = await bot.get_updates(timeout=20)
            assert time.monotonic() - started < 3, "an injected update wakes the waiting poll"
            assert [u.message.text for u in first if u.message] == ["late"]
            again = await bot.get_updates(timeout=0)  # no offset: nothing was confirmed
            assert [u.update_id for u in again] == [first[0].update_id]

            for text in ("one", "two", "three"):
                emu.user_sends(USER, text)
            batch = await bot.get_updates(limit=2, timeout=0)
            assert [u.message.text for u in batch if u.message] == ["late", "one"]
            rest = await bot.get_updates(offset=batch[-1].update_id + 1, timeout=5)
            assert [u.message.text for u in rest if u.message] == ["two", "three"]
            assert emu.pending_updates() == [u.update_id for u in rest]

            edited_id = emu.user_edits(USER, rest[-1].message.message_id, "three!")["update_id"]  # type: ignore[union-attr]
            emu.user_sends(USER, "four")
            only = await bot.get_updates(offset=rest[-1].update_id + 1, allowed_updates=["message"], timeout=0)
            assert [u.message.text for u in only if u.message] == ["four"]
            assert [u["update_id"] for u in emu.dropped] == [edited_id]
            assert await bot.get_updates(offset=only[-1].update_id + 1, timeout=0) == []
            assert emu.get_updates_calls == 7

    asyncio.run(main())


def test_a_second_poller_ends_the_first_with_409_and_a_webhook_blocks_polling(emu: BotApiEmulator) -> None:
    async def main() -> None:
        async with make_bot(emu) as first_bot, make_bot(emu) as second_bot:
            first = asyncio.create_task(first_bot.get_updates(timeout=10))
            while emu.get_updates_calls < 1:  # the first poll is waiting on the server
                await asyncio.sleep(0.01)
            second = asyncio.create_task(second_bot.get_updates(timeout=10))
            with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
                await asyncio.wait_for(first, 3)
            emu.user_sends(USER, "hi")
            assert [u.message.text for u in await asyncio.wait_for(second, 3) if u.message] == ["hi"]

            await first_bot.set_webhook("https://example.org/hook")
            with pytest.raises(TelegramConflictError, match="webhook is active"):
                await first_bot.get_updates(timeout=0)
            await first_bot.delete_webhook(drop_pending_updates=True)
            assert await first_bot.get_updates(timeout=0) == []

    asyncio.run(main())


def test_429_raises_retry_after_and_a_retry_after_waiting_succeeds(emu: BotApiEmulator) -> None:
    emu.fail_next("sendMessage", 429, retry_after=1)
    raised: list[TelegramRetryAfter] = []

    async def send_retrying(bot: Bot, text: str) -> Message:
        while True:
            try:
                return await bot.send_message(USER, text)
            except TelegramRetryAfter as exc:
                raised.append(exc)
                await asyncio.sleep(exc.retry_after)

    async def main() -> Message:
        async with make_bot(emu) as bot:
            return await send_retrying(bot, "after the flood")

    message = asyncio.run(main())
    assert message.text == "after the flood"
    assert [e.retry_after for e in raised] == [1]
    failed, sent = emu.sent(USER, "sendMessage")
    assert failed["error"] == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                               "parameters": {"retry_after": 1}}
    assert sent["ok"] and sent["at"] - failed["at"] >= 0.95


def test_blocked_user_is_forbidden_others_are_not(emu: BotApiEmulator) -> None:
    emu.block_user(USER)

    async def main() -> None:
        async with make_bot(emu) as bot:
            with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
                await bot.send_message(USER, "anyone there?")
            with pytest.raises(TelegramForbiddenError):
                await bot.send_chat_action(USER, "typing")
            assert (await bot.send_message(OTHER, "still fine")).chat.id == OTHER
            emu.unblock_user(USER)
            assert (await bot.send_message(USER, "welcome back")).text == "welcome back"

    asyncio.run(main())
    assert [c["error"]["error_code"] if c["error"] else 200 for c in emu.sent(USER)] == [403, 403, 200]


def test_telegram_limits(emu: BotApiEmulator) -> None:
    async def main() -> None:
        async with make_bot(emu) as bot:
            assert len((await bot.send_message(USER, "x" * 4096)).text or "") == 4096
            with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
                await bot.send_message(USER, "x" * 4097)
            for empty in ("", "  \n "):
                with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
                    await bot.send_message(USER, empty)
            assert await bot.send_message(USER, "ok", reply_markup=keyboard("ж" * 32))  # 64 bytes
            with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
                await bot.send_message(USER, "no", reply_markup=keyboard("ж" * 33))  # 66 bytes

            message = await bot.send_message(USER, "<b>same</b>", parse_mode="HTML", reply_markup=keyboard("k"))
            assert message.text == "same" and [(e.type, e.offset, e.length) for e in message.entities or []] == [
                ("bold", 0, 4)]
            with pytest.raises(TelegramBadRequest, match="Bad Request: message is not modified"):
                await bot.edit_message_text("<b>same</b>", chat_id=USER, message_id=message.message_id,
                                            parse_mode="HTML", reply_markup=keyboard("k"))
            with pytest.raises(TelegramBadRequest, match="message is not modified"):
                await bot.edit_message_reply_markup(chat_id=USER, message_id=message.message_id,
                                                    reply_markup=keyboard("k"))
            edited = await bot.edit_message_text("same", chat_id=USER, message_id=message.message_id,
                                                 reply_markup=keyboard("k"))  # no bold any more: modified
            assert isinstance(edited, Message) and edited.entities is None and edited.edit_date

            with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag"):
                await bot.send_message(USER, "1 < 2 <b>bold</b>", parse_mode="HTML")
            with pytest.raises(TelegramBadRequest, match="Can't find end tag"):
                await bot.send_message(USER, "<b>open", parse_mode="HTML")

            assert await bot.delete_message(USER, message.message_id)
            with pytest.raises(TelegramBadRequest, match="message to edit not found"):
                await bot.edit_message_text("gone", chat_id=USER, message_id=message.message_id)
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await bot.answer_callback_query("123", text="late")

    asyncio.run(main())


def test_wrong_token_unknown_method_and_parameter_encodings(emu: BotApiEmulator) -> None:
    async def main() -> None:
        async with make_bot(emu, token="999:WRONG") as bot:
            with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
                await bot.get_me()

    asyncio.run(main())
    with httpx.Client(base_url=emu.base_url) as http:
        wrong = http.post("/bot999:WRONG/getMe")
        assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401,
                                                           "description": "Unauthorized"})
        unknown = http.post(f"/bot{emu.token}/sendSticker", json={"chat_id": USER})
        assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404,
                                                               "description": "Not Found: method not found"})
        assert http.get(f"/bot{emu.token}/getme").json()["result"]["username"] == "helpdesk_test_bot"

        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "c"}]]}
        as_json = http.post(f"/bot{emu.token}/sendMessage", json={"chat_id": USER, "text": "500", "reply_markup": markup})
        as_form = http.post(f"/bot{emu.token}/sendMessage",
                            data={"chat_id": str(USER), "text": "500", "reply_markup": json.dumps(markup)})
        as_multipart = http.post(f"/bot{emu.token}/sendMessage",
                                 files={"chat_id": (None, str(USER)), "text": (None, "500"),
                                        "reply_markup": (None, json.dumps(markup))})
    results = [response.json()["result"] for response in (as_json, as_form, as_multipart)]
    assert [r["message_id"] for r in results] == [1, 2, 3]
    assert all(r["text"] == "500" and r["reply_markup"] == markup for r in results)
    assert [c["params"] for c in emu.sent(USER, "sendMessage")] == [
        {"chat_id": USER, "text": "500", "reply_markup": markup}] * 3
    assert emu.unauthorized_calls == 2


def test_uploads_documents_and_file_errors(emu: BotApiEmulator) -> None:
    picture = jpeg_bytes(64, 48, (200, 30, 30))
    pdf = b"%PDF-1.4\n% tiny\n"

    async def main() -> None:
        async with make_bot(emu) as bot:
            sent = await bot.send_photo(USER, BufferedInputFile(picture, "red.jpg"), caption="<i>red</i>",
                                        parse_mode="HTML")
            assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == (64, 48)
            assert sent.caption == "red" and [e.type for e in sent.caption_entities or []] == ["italic"]
            file = await bot.get_file(sent.photo[-1].file_id)
            assert file.file_size == len(picture)
            assert (await bot.download_file(file.file_path or "")).getvalue() == picture  # type: ignore[union-attr]

            document = await bot.send_document(USER, BufferedInputFile(pdf, "report.pdf"))
            assert document.document and (document.document.file_name, document.document.mime_type) == (
                "report.pdf", "application/pdf")
            again = await bot.send_document(OTHER, document.document.file_id)  # re-send by file_id
            assert again.document and again.document.file_id == document.document.file_id

            with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
                await bot.send_photo(USER, BufferedInputFile(pdf, "not-a-photo.jpg"))
            with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
                await bot.send_photo(USER, "no-such-file-id")
            with pytest.raises(TelegramBadRequest, match="invalid file_id"):
                await bot.get_file("no-such-file-id")

    asyncio.run(main())
    with httpx.Client(base_url=emu.base_url) as http:
        assert http.get(f"/file/bot{emu.token}/photos/nothing.jpg").status_code == 404
        assert http.get(f"/file/bot999:WRONG/{emu.files[next(iter(emu.files))]['file_path']}").status_code == 401
    document_id = emu.user_sends_document(USER)["message"]["document"]["file_id"]
    assert image_size(emu.files[document_id]["data"]) == (64, 64) and png_bytes(64, 64) == emu.files[document_id]["data"]


def test_commands_per_scope_and_language_and_menu_button(emu: BotApiEmulator) -> None:
    async def main() -> None:
        async with make_bot(emu) as bot:
            await bot.set_my_commands([BotCommand(command="start", description="Начать")])
            await bot.set_my_commands([BotCommand(command="start", description="Start"),
                                       BotCommand(command="help", description="Help")], language_code="en")
            await bot.set_my_commands([BotCommand(command="admin", description="Admin")],
                                      scope=BotCommandScopeChat(chat_id=USER))
            assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start", "help"]
            assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=USER))] == ["admin"]
            assert await bot.get_my_commands(language_code="de") == []
            with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
            assert await bot.delete_my_commands(language_code="en")
            assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
            assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)

    asyncio.run(main())
    assert emu.commands == {"": [{"command": "start", "description": "Начать"}]}
    assert emu.commands_for({"type": "chat", "chat_id": USER}) == [{"command": "admin", "description": "Admin"}]
    assert emu.menu_buttons == {None: {"type": "commands"}}
