"""A Telegram Bot API server emulator on loopback, for end-to-end tests of the real aiogram poller.

The bot under test is pointed at `base_url` (aiogram: ``TelegramAPIServer.from_base(emu.base_url)``;
the helpdesk: HELPDESK_TELEGRAM_API_URL). Routes are ``/bot<token>/<method>`` and
``/file/bot<token>/<file_path>``, as on api.telegram.org. Tests play the users (`user_sends`,
`user_presses`, `user_sends_photo`, ...) and read what the bot did (`sent`, `messages_for`,
`wait_for_message`, ...). The control methods are thread-safe: the server runs its own asyncio loop in a
background thread.

Faithful where a bot can notice: answers are shaped as Telegram's (aiogram's pydantic types parse them),
getUpdates long-polls with offset/limit/timeout/allowed_updates and a 409 for a second poller, parameters
arrive as JSON, form or multipart, parse_mode=HTML is parsed (bad HTML is a 400), and the limits that bite
are enforced: text length, callback data size, "message is not modified", 429 with retry_after (on demand),
403 for a user who blocked the bot. Not emulated: groups' admin rights, inline mode, payments, Markdown
parsing (Markdown texts are kept verbatim), webhooks beyond their effect on getUpdates.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import itertools
import mimetypes
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.support.botapi_types import (
    DEFAULT_DESCRIPTIONS,
    MAX_TEXT,
    MAX_UPLOAD,
    OPT_IN_UPDATES,
    ApiError,
    TelegramMethods,
    Upload,
    as_int,
    bad_request,
    decode_params,
    detect_entities,
    document_object,
    file_extension,
    has_button,
    image_size,
    jpeg_bytes,
    png_bytes,
    scope_key,
)

Update = dict[str, Any]
Call = dict[str, Any]

# Method names are case-insensitive in the Bot API; calls are recorded under these spellings.
METHODS = ("getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
           "setMyCommands", "getMyCommands", "deleteMyCommands", "setChatMenuButton", "getChatMenuButton",
           "sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageCaption",
           "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery", "sendChatAction", "getFile")
_CANONICAL = {name.lower(): name for name in METHODS}


class BotApiEmulator(TelegramMethods):
    """A Bot API server for one bot, on 127.0.0.1:<free port>, as a context manager.

    Users' side: user_sends, user_sends_photo, user_sends_document, user_edits, user_presses, inject_update,
    redeliver. Faults: fail_next, block_user. What the bot did: sent, texts_for, messages_for, wait_for,
    wait_for_message, wait_confirmed, callback_answers, commands, get_updates_calls, polls.
    """

    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "helpdesk_test_bot",
                 first_name: str = "Helpdesk") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": first_name,
                         "username": username}
        # One re-entrant lock guards all state; as a Condition it also wakes `wait_for`.
        self._lock = threading.Condition(threading.RLock())
        # Updates: pending ones are {"update", "redelivered", "handed"}, ordered by update_id.
        self._pending: list[dict[str, Any]] = []
        self._confirmed: dict[int, Update] = {}
        self.dropped: list[Update] = []  # left out by allowed_updates
        self.deliveries: dict[int, int] = {}  # update_id -> times handed to the bot
        self._next_update_id = 10_000
        self._allowed: frozenset[str] | None = None  # None: every type except OPT_IN_UPDATES
        self._active_poll: object | None = None
        self.webhook_url = ""
        self.get_updates_calls = 0
        self.polls: list[dict[str, Any]] = []  # each getUpdates: offset, timeout, limit, update_ids
        # What the bot did.
        self.calls: list[Call] = []  # every call but getUpdates, as `sent` describes
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, message_id) -> message as now
        self.deleted: list[dict[str, Any]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.scoped_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (scope, language) -> list
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # chat_id (None: default) -> button
        self.files: dict[str, dict[str, Any]] = {}  # file_id -> record with "data" and "file_path"
        self.blocked: set[int] = set()
        self.unauthorized_calls = 0
        self._last_message_id: dict[int, int] = {}  # message ids run per chat, shared by both sides
        self._profiles: dict[int, dict[str, Any]] = {}  # user id -> User object, for chats
        self._queries: dict[str, dict[str, Any]] = {}  # callback query id -> {"query", "answered"}
        self._failures: list[list[Any]] = []  # [method lowercase, times left, ApiError]
        self._counter = itertools.count(1)  # file numbers and callback query ids
        # Server.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._poll_event: asyncio.Event | None = None
        self._closing = False
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotApiEmulator:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # surfaced by start()
                failure.append(exc)
                self._loop = None
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="botapi-emulator", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            self._thread = None
            raise RuntimeError("the Bot API emulator did not start") from (failure[0] if failure else None)
        return self

    async def _serve(self) -> None:
        self._closing = False
        self._poll_event = asyncio.Event()
        app = web.Application(client_max_size=MAX_UPLOAD + 2**21)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a poller that hangs up (stop_polling) ends its long poll here too.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            self._closing = True
            assert self._poll_event is not None and self._runner is not None
            self._poll_event.set()  # waiting long polls answer [] at once
            await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = self._loop = None

    def cpu_seconds(self) -> float:
        """CPU time of the server's thread so far (a benchmark subtracts it from its process's)."""
        assert self._thread is not None and self._thread.ident is not None
        return time.clock_gettime(time.pthread_getcpuclockid(self._thread.ident))

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the users' side (called by tests) ------------------------------------------------------------------

    def user_sends(self, user_id: int, text: str, *, first_name: str | None = None, username: str | None = None,
                   language_code: str = "ru") -> Update:
        """A private text message from a user (chat id = user id); /commands get bot_command entities.
        first_name/username default to what this user had before ("Test" and none at first)."""
        if not text or len(text) > MAX_TEXT:
            raise ValueError("a user's message has 1..4096 characters")
        content: dict[str, Any] = {"text": text}
        if entities := detect_entities(text):
            content["entities"] = entities
        message = self._user_message(user_id, first_name, username, language_code, content)
        return self.inject_update({"message": message})

    def user_sends_photo(self, user_id: int, caption: str | None = None, content: bytes | None = None,
                         language_code: str = "ru", *, first_name: str | None = None) -> Update:
        """A photo (two sizes, real JPEGs unless `content` is given) served back by getFile and /file/."""
        big = content or jpeg_bytes(320, 240, (42, 111, 219))
        width, height = image_size(big) or (1280, 960)
        scale = 90 / max(width, height)
        thumb = jpeg_bytes(max(1, round(width * scale)), max(1, round(height * scale)), (42, 111, 219))
        sizes = [self._store_file(data, "photos", "jpg") for data in (thumb, big)]
        photo = [{key: size[key] for key in ("file_id", "file_unique_id", "file_size", "width", "height")}
                 for size in sizes]
        return self.inject_update({"message": self._user_message(
            user_id, first_name, None, language_code, {"photo": photo, **self._user_caption(caption)})})

    def user_sends_document(self, user_id: int, content: bytes | None = None, file_name: str = "scan.png",
                            mime_type: str | None = None, caption: str | None = None, *,
                            first_name: str | None = None, language_code: str = "ru") -> Update:
        """A file sent as a document (a small PNG unless `content` is given)."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        record = self._store_file(content or png_bytes(64, 64), "documents", file_extension(file_name),
                                  file_name=file_name, mime_type=mime)
        content = {"document": document_object(record), **self._user_caption(caption)}
        return self.inject_update({"message": self._user_message(user_id, first_name, None, language_code, content)})

    def user_edits(self, user_id: int, message_id: int, text: str, language_code: str = "ru") -> Update:
        """The user edits a text message they sent earlier: an edited_message update."""
        with self._lock:
            message = self.messages.get((user_id, message_id))
            if message is None or message["from"]["id"] != user_id:
                raise KeyError(f"user {user_id} sent no message {message_id}")
            edited = {**message, "from": self._user(user_id, None, None, language_code),
                      "edit_date": int(time.time()), "text": text}
            edited.pop("entities", None)
            if entities := detect_entities(text):
                edited["entities"] = entities
            self.messages[(user_id, message_id)] = edited
        return self.inject_update({"edited_message": copy.deepcopy(edited)})

    def user_presses(self, user_id: int, message_id: int, callback_data: str, *, first_name: str | None = None,
                     language_code: str = "ru", require_button: bool = False) -> Update:
        """A press on an inline button of a message the bot sent to this user: a callback_query update.
        Stale presses (a button no longer shown) are allowed, as clients may show an old version of a
        message; pass require_button=True to insist the current keyboard has that callback_data."""
        with self._lock:
            message = self.messages.get((user_id, message_id))
            if message is None or message["from"]["id"] != self.bot_user["id"]:
                raise KeyError(f"the bot sent no message {message_id} to {user_id}")
            if require_button and not has_button(message, callback_data):
                raise ValueError(f"message {message_id} has no button with callback_data {callback_data!r}")
            query = {"id": str(4_000_000_000_000 + next(self._counter)),
                     "from": self._user(user_id, first_name, None, language_code),
                     "message": copy.deepcopy(message), "chat_instance": str(user_id * 7919 + 10**15),
                     "data": callback_data}
            self._queries[query["id"]] = {"query": query, "answered": None}
        return self.inject_update({"callback_query": query})

    def inject_update(self, raw: dict[str, Any]) -> Update:
        """Queue any update (given without update_id, one is assigned); returns it."""
        with self._lock:
            update = dict(raw)
            if len([key for key in update if key != "update_id"]) != 1:
                raise ValueError("an update carries exactly one object besides update_id")
            if "update_id" not in update:
                update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._queue({"update": update, "redelivered": False, "handed": False})
        self._wake()
        return copy.deepcopy(update)

    def _queue(self, entry: dict[str, Any]) -> None:
        """Into the pending updates, kept in update_id order (in place: a burst must not re-sort them all)."""
        bisect.insort(self._pending, entry, key=lambda e: e["update"]["update_id"])

    def redeliver(self, update_id: int) -> None:
        """Hand a confirmed update to the poller once more, with its update_id (as after a crash before the
        offset moved on). A callback query may then be answered again: the first answer counts as lost."""
        with self._lock:
            entry = next((e for e in self._pending if e["update"]["update_id"] == update_id), None)
            if entry is not None:  # handed out but not confirmed yet: hand it out once more all the same
                entry.update(redelivered=True, handed=False)
                update = entry["update"]
            else:
                update = self._confirmed.pop(update_id)
                self._queue({"update": update, "redelivered": True, "handed": False})
            if "callback_query" in update and update["callback_query"]["id"] in self._queries:
                self._queries[update["callback_query"]["id"]]["answered"] = None
        self._wake()

    def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until the poller confirmed this update (a getUpdates with a higher offset)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while update_id not in self._confirmed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"update {update_id} was not confirmed; pending: {self.pending_updates()}")
                self._lock.wait(remaining)

    def pending_updates(self) -> list[int]:
        with self._lock:
            return [entry["update"]["update_id"] for entry in self._pending]

    # --- faults ------------------------------------------------------------------------------------------------

    def fail_next(self, method: str, error_code: int = 429, retry_after: int = 1, description: str | None = None,
                  times: int = 1) -> None:
        """The next `times` calls of `method` fail with this error (429 carries parameters.retry_after)."""
        if description is None:
            description = (f"Too Many Requests: retry after {retry_after}" if error_code == 429
                           else DEFAULT_DESCRIPTIONS.get(error_code, "Error"))
        parameters = {"retry_after": retry_after} if error_code == 429 else None
        with self._lock:
            self._failures.append([method.lower(), times, ApiError(error_code, description, parameters)])

    def block_user(self, user_id: int) -> None:
        """From now on anything sent to this user's chat is 403 "Forbidden: bot was blocked by the user"."""
        with self._lock:
            self.blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        with self._lock:
            self.blocked.discard(user_id)

    # --- what the bot did (read by tests) -------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        """The bot's calls (all but getUpdates) in order, failed ones included: each is {"method", "params",
        "result" (e.g. the Message), "ok", "error" (the error body), "chat_id", "at" (monotonic time)}.
        answerCallbackQuery counts for the chat of the pressed message."""
        with self._lock:
            return [call for call in self.calls
                    if (method is None or call["method"].lower() == method.lower())
                    and (chat_id is None or str(call["chat_id"]) == str(chat_id))]

    def texts_for(self, chat_id: int) -> list[str]:
        """The text parameter of every successful sendMessage to this chat."""
        return [call["params"]["text"] for call in self.sent(chat_id, "sendMessage") if call["ok"]]

    def messages_for(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in this chat as they are now (after edits, without deleted ones)."""
        with self._lock:
            return [copy.deepcopy(message) for (chat, _), message in sorted(self.messages.items())
                    if chat == chat_id and message["from"]["id"] == self.bot_user["id"]]

    @property
    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """setMyCommands for the default scope, by language code ("" when none was given)."""
        with self._lock:
            return {lang: list(cmds) for (scope, lang), cmds in self.scoped_commands.items() if scope == "default"}

    def commands_for(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        with self._lock:
            return list(self.scoped_commands.get((scope_key(scope), language_code), []))

    def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0, count: int = 1) -> list[Call]:
        """Block until at least `count` calls match; returns all matching calls (the latest last)."""
        deadline = time.monotonic() + timeout
        found: list[Call] = []
        seen = 0  # calls are only appended: each wake-up looks at the new ones alone
        with self._lock:
            while True:
                found += [call for call in self.calls[seen:] if predicate(call)]
                seen = len(self.calls)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = [(c["method"], c["params"].get("chat_id"), c["params"].get("text"), c["ok"])
                              for c in self.calls[-10:]]
                    raise TimeoutError(f"the bot did not make the expected call; its last calls: {recent}")
                self._lock.wait(remaining)

    def wait_for_message(self, chat_id: int, contains: str | None = None, timeout: float = 10.0,
                         count: int = 1) -> list[Call]:
        """Block until the bot sent (successfully) a message to this chat containing `contains` (in the text
        as sent or as shown after HTML parsing); returns the matching sendMessage calls, the latest last."""
        def matches(call: Call) -> bool:
            if call["method"] != "sendMessage" or not call["ok"] or str(call["chat_id"]) != str(chat_id):
                return False
            return (contains is None or contains in str(call["params"].get("text"))
                    or contains in call["result"]["text"])

        return self.wait_for(matches, timeout, count)

    # --- HTTP -------------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            with self._lock:
                self.unauthorized_calls += 1
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        method = _CANONICAL.get(request.match_info["method"].lower(), request.match_info["method"])
        params: dict[str, Any] = {}
        try:
            params = await self._read_params(request)
            if method == "getUpdates":
                with self._lock:
                    self.get_updates_calls += 1
            self._raise_planned_failure(method)
            if method == "getUpdates":
                return web.json_response({"ok": True, "result": await self._get_updates(params)})
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            with self._lock:
                result = copy.deepcopy(handler(params))
        except ApiError as exc:
            if method != "getUpdates":
                self._record(method, params, None, exc.body())
            return web.json_response(exc.body(), status=exc.code)
        except Exception as exc:  # an emulator bug: answer like Telegram's 500, keep it visible in `sent`
            error = ApiError(500, f"Internal Server Error: emulator failed: {exc!r}").body()
            self._record(method, params, None, error)
            return web.json_response(error, status=500)
        self._record(method, params, result, None)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        """Query string plus a JSON, urlencoded or multipart body; `attach://name` resolves to that part."""
        raw: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise bad_request("can't parse JSON object")
                raw.update(body)
            elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                for key, value in (await request.post()).items():
                    raw[key] = (Upload(value.filename, value.content_type, value.file.read())
                                if isinstance(value, web.FileField) else value)
        params = decode_params(raw)
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = params.pop(value.removeprefix("attach://"), None)
                if not isinstance(part, Upload):
                    raise bad_request(f"file \"{value}\" not found in the request")
                params[key] = part
        return params

    def _raise_planned_failure(self, method: str) -> None:
        with self._lock:
            for failure in self._failures:
                if failure[0] == method.lower():
                    failure[1] -= 1
                    if failure[1] <= 0:
                        self._failures.remove(failure)
                    raise failure[2]

    def _record(self, method: str, params: dict[str, Any], result: Any, error: dict[str, Any] | None) -> None:
        with self._lock:
            chat_id = params.get("chat_id")
            if method == "answerCallbackQuery":  # the chat of the message whose button was pressed
                query = self._queries.get(str(params.get("callback_query_id")), {}).get("query", {})
                chat_id = query.get("message", {}).get("chat", {}).get("id")
            self.calls.append({"method": method, "params": params, "result": copy.deepcopy(result),
                               "ok": error is None, "error": error, "chat_id": chat_id, "at": time.monotonic()})
            self._lock.notify_all()

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        with self._lock:
            record = next((r for r in self.files.values() if r["file_path"] == request.match_info["path"]), None)
        if record is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=record["data"], content_type=record["mime_type"])

    # --- getUpdates -------------------------------------------------------------------------------------------

    def _wake(self) -> None:
        """Wake a waiting long poll (from any thread)."""
        loop, event = self._loop, self._poll_event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(event.set)

    async def _get_updates(self, params: dict[str, Any]) -> list[Update]:
        assert self._poll_event is not None
        loop = asyncio.get_running_loop()
        offset, timeout = as_int(params, "offset"), max(as_int(params, "timeout"), 0)
        limit = min(max(as_int(params, "limit", 100), 1), 100)
        me = object()
        with self._lock:
            if self.webhook_url:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                    "use deleteWebhook to delete the webhook first")
            poll = {"offset": offset, "timeout": timeout, "limit": limit,
                    "allowed_updates": params.get("allowed_updates"), "update_ids": [], "at": time.monotonic()}
            self.polls.append(poll)
            if isinstance(params.get("allowed_updates"), list):
                self._allowed = frozenset(params["allowed_updates"]) or None
            self._confirm(offset)
            self._active_poll = me
            self._lock.notify_all()  # for wait_confirmed
        self._poll_event.set()  # a poll still waiting is superseded by this one: it ends with 409
        deadline = loop.time() + timeout
        try:
            while True:
                self._poll_event.clear()  # before looking, so a wake-up after the look is not lost
                with self._lock:
                    if self._active_poll is not me:
                        poll["conflict"] = True
                        raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that "
                                            "only one bot instance is running")
                    ready = self._take_ready(limit)
                    poll["update_ids"] = [update["update_id"] for update in ready]
                remaining = deadline - loop.time()
                if ready or self._closing or remaining <= 0:
                    return ready
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._poll_event.wait(), remaining)
        finally:
            with self._lock:
                if self._active_poll is me:
                    self._active_poll = None

    def _confirm(self, offset: int) -> None:
        """offset > 0 confirms every update below it; a negative offset keeps only the last -offset."""
        if offset == 0:
            return
        keep: list[dict[str, Any]] = []
        for index, entry in enumerate(self._pending):
            update_id = entry["update"]["update_id"]
            if offset > 0:
                # A redelivered update lies below the offset by nature: it is confirmed once handed out.
                stays = update_id >= offset or (entry["redelivered"] and not entry["handed"])
            else:
                stays = index >= len(self._pending) + offset
            if stays:
                keep.append(entry)
            else:
                self._confirmed[update_id] = entry["update"]
        self._pending = keep

    def _take_ready(self, limit: int) -> list[Update]:
        ready: list[dict[str, Any]] = []
        for entry in list(self._pending):
            kind = next(key for key in entry["update"] if key != "update_id")
            allowed = kind in self._allowed if self._allowed is not None else kind not in OPT_IN_UPDATES
            if not allowed:  # Telegram does not keep updates the bot did not ask for
                self._pending.remove(entry)
                self.dropped.append(entry["update"])
            elif len(ready) < limit:
                ready.append(entry)
        for entry in ready:
            entry["handed"] = True
            update_id = entry["update"]["update_id"]
            self.deliveries[update_id] = self.deliveries.get(update_id, 0) + 1
        return [copy.deepcopy(entry["update"]) for entry in ready]
