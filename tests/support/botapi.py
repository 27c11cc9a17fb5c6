"""A Telegram Bot API server emulator on loopback, for end-to-end tests of the real aiogram poller.

The bot under test is pointed at `base_url` (HELPDESK_TELEGRAM_API_URL); tests play the users
(`user_sends`, `user_presses`) and read what the bot sent (`sent`, `wait_for_message`). Answers are
shaped as Telegram's, and the limits that matter to a bot are enforced (text length, callback data
size, "message is not modified", 429 with retry_after, 403 for a user who blocked the bot).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

Update = dict[str, Any]


class BotApiEmulator:
    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "helpdesk_test_bot") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Helpdesk",
                         "username": username}
        self._lock = threading.Condition()
        self._updates: list[Update] = []  # not yet confirmed by an offset
        self._confirmed: dict[int, Update] = {}
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self.calls: list[dict[str, Any]] = []  # every method call: {"method", "params", "result"}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, message_id) -> message as now
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self._failures: list[tuple[str, int, dict[str, Any], int]] = []
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile and /file/
        self.blocked: set[int] = set()
        self.get_updates_calls = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._wakeup: asyncio.Event | None = None
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotApiEmulator:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._wakeup = asyncio.Event()
            app = web.Application()
            app.router.add_route("*", "/bot{token}/{method}", self._handle)
            app.router.add_get("/file/bot{token}/{path:.+}", self._download)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="botapi-emulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the users' side (called by tests) ------------------------------------------------------------

    def _user(self, user_id: int, first_name: str, username: str | None, language_code: str) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        if username:
            user["username"] = username
        return user

    def user_sends(self, user_id: int, text: str, *, first_name: str = "Test", username: str | None = None,
                   language_code: str = "ru") -> Update:
        """A private message from a user; commands get their bot_command entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": self._user(user_id, first_name, username, language_code), "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.inject_update({"message": message})

    def user_edits(self, user_id: int, message_id: int, text: str, language_code: str = "ru") -> Update:
        """The user edits a message they sent earlier."""
        message = {"message_id": message_id, "date": int(time.time()) - 60, "edit_date": int(time.time()),
                   "chat": {"id": user_id, "type": "private", "first_name": "Test"},
                   "from": self._user(user_id, "Test", None, language_code), "text": text}
        return self.inject_update({"edited_message": message})

    def user_sends_photo(self, user_id: int, caption: str | None = None, content: bytes | None = None,
                         language_code: str = "ru") -> Update:
        """A photo message; the bytes are served back through getFile and the file URL."""
        file_id = f"photo-{next(self._update_ids)}"
        self.files[file_id] = content or _TINY_JPEG
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Test"},
            "from": self._user(user_id, "Test", None, language_code),
            "photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 90, "height": 90,
                       "file_size": len(self.files[file_id])}],
        }
        if caption:
            message["caption"] = caption
        return self.inject_update({"message": message})

    def user_presses(self, user_id: int, message_id: int, callback_data: str, *,
                     first_name: str = "Test", language_code: str = "ru") -> Update:
        """A press on an inline button of a message the bot sent to this user."""
        message = self.messages.get((user_id, message_id))
        if message is None:
            raise KeyError(f"the bot sent no message {message_id} to {user_id}")
        query = {"id": str(next(self._update_ids)), "from": self._user(user_id, first_name, None, language_code),
                 "message": message, "chat_instance": str(user_id), "data": callback_data}
        return self.inject_update({"callback_query": query})

    def inject_update(self, body: dict[str, Any]) -> Update:
        update = {"update_id": next(self._update_ids), **body}
        with self._lock:
            self._updates.append(update)
        self._wake()
        return update

    def redeliver(self, update_id: int) -> None:
        """Hand out an already confirmed update again (as after a crash before the offset moved)."""
        with self._lock:
            self._updates.insert(0, self._confirmed[update_id])
        self._wake()

    def _wake(self) -> None:
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    def fail_next(self, method: str, error_code: int = 429, retry_after: int = 1, description: str | None = None,
                  times: int = 1) -> None:
        default = {429: f"Too Many Requests: retry after {retry_after}", 500: "Internal Server Error"}
        body: dict[str, Any] = {"ok": False, "error_code": error_code,
                                "description": description or default.get(error_code, "Bad Request")}
        if error_code == 429:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.append((method, error_code, body, times))

    def block_user(self, user_id: int) -> None:
        self.blocked.add(user_id)

    # --- what the bot did (read by tests) ---------------------------------------------------------------

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls
                    if (method is None or c["method"] == method)
                    and (chat_id is None or str(c["params"].get("chat_id")) == str(chat_id))]

    def texts_for(self, chat_id: int) -> list[str]:
        return [c["params"]["text"] for c in self.sent(chat_id, "sendMessage") if c.get("ok")]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0,
                 count: int = 1) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the bot did not make the expected call; calls so far: "
                                       f"{[(c['method'], c['params'].get('text')) for c in self.calls][-10:]}")
                self._lock.wait(remaining)

    def wait_for_message(self, chat_id: int, contains: str | None = None, timeout: float = 10.0,
                         count: int = 1) -> list[dict[str, Any]]:
        def matches(call: dict[str, Any]) -> bool:
            return (call["method"] == "sendMessage" and call.get("ok", False)
                    and str(call["params"].get("chat_id")) == str(chat_id)
                    and (contains is None or contains in call["params"].get("text", "")))
        return self.wait_for(matches, timeout, count)

    # --- the HTTP side (called by the bot) ---------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    params[key] = value if isinstance(value, str) else getattr(value, "filename", "file")
        for key in ("reply_markup", "allowed_updates", "commands", "scope", "menu_button", "entities"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        failure = self._take_failure(method)
        if failure is not None:
            code, body = failure
            self._record(method, params, None, ok=False, error=body)
            return web.json_response(body, status=code)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                                     status=404)
        try:
            result = await handler(params) if method.lower() == "getupdates" else handler(params)
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            self._record(method, params, None, ok=False, error=body)
            return web.json_response(body, status=exc.code)
        if method.lower() != "getupdates":
            self._record(method, params, result, ok=True)
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str) -> tuple[int, dict[str, Any]] | None:
        with self._lock:
            for index, (name, code, body, times) in enumerate(self._failures):
                if name == method:
                    if times <= 1:
                        self._failures.pop(index)
                    else:
                        self._failures[index] = (name, code, body, times - 1)
                    return code, body
        return None

    def _record(self, method: str, params: dict[str, Any], result: Any, ok: bool,
                error: dict[str, Any] | None = None) -> None:
        with self._lock:
            self.calls.append({"method": method, "params": params, "result": result, "ok": ok, "error": error,
                               "at": time.monotonic()})
            self._lock.notify_all()

    # --- methods -----------------------------------------------------------------------------------------

    def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_getupdates(self, params: dict[str, Any]) -> list[Update]:
        self.get_updates_calls += 1
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # short: tests stop the poller quickly
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if offset:
                    keep = []
                    for update in self._updates:
                        if update["update_id"] < offset:
                            self._confirmed[update["update_id"]] = update
                        else:
                            keep.append(update)
                    self._updates = keep
                ready = self._updates[:limit]
            if ready or time.monotonic() >= deadline:
                return ready
            assert self._wakeup is not None
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=max(deadline - time.monotonic(), 0.01))

    def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}.jpg"}

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1].removesuffix(".jpg")
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        self.commands[params.get("language_code") or ""] = list(params.get("commands") or [])
        return True

    def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(params.get("language_code") or "", [])

    def _m_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(params.get("language_code") or "", None)
        return True

    def _m_setchatmenubutton(self, params: dict[str, Any]) -> bool:
        return True

    def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        return True

    def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        return True

    def _check_chat(self, params: dict[str, Any]) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    @staticmethod
    def _check_text(text: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    @staticmethod
    def _check_markup(markup: Any) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        text = self._check_text(params.get("text"))
        self._check_markup(params.get("reply_markup"))
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                   "chat": {"id": chat_id, "type": "private"}, "from": self.bot_user, "text": text}
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any], **changes: Any) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        key = (chat_id, int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        updated = {**message, **{k: v for k, v in changes.items() if v is not None}}
        if "reply_markup" in changes and not changes["reply_markup"]:
            updated.pop("reply_markup", None)
        if updated == message:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        updated["edit_date"] = int(time.time())
        self.messages[key] = updated
        return updated

    def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_markup(params.get("reply_markup"))
        return self._edit(params, text=self._check_text(params.get("text")), reply_markup=params.get("reply_markup"))

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_markup(params.get("reply_markup"))
        return self._edit(params, reply_markup=params.get("reply_markup"))

    def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        chat_id = self._check_chat(params)
        return self.messages.pop((chat_id, int(params.get("message_id", 0))), None) is not None

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    def _m_logout(self, params: dict[str, Any]) -> bool:
        return True


# A real (tiny) JPEG: SOI, a JFIF header and EOI are enough for anything that sniffs the type.
_TINY_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
