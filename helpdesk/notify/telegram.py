"""Telegram transport for the outbox: plain Bot API calls over HTTP, with Telegram's rate limits."""

from __future__ import annotations

import threading
import time

import httpx

from helpdesk.bot import import_bot_module
from helpdesk.core.actors import Actor
from helpdesk.core.lifecycle import action_label, allowed_actions
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage
from helpdesk.i18n import translate
from helpdesk.notify.messages import render

GLOBAL_PER_SECOND = 30
PER_CHAT_INTERVAL = 1.0
MAX_TEXT = 4096


class RateLimiter:
    """About 30 messages a second overall and one a second per chat, as Telegram asks."""

    def __init__(self, per_second: int = GLOBAL_PER_SECOND, per_chat: float = PER_CHAT_INTERVAL) -> None:
        self._lock = threading.Lock()
        self._recent: list[float] = []
        self._last_by_chat: dict[str, float] = {}
        self._per_second = per_second
        self._per_chat = per_chat

    def wait(self, chat: str) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._recent = [t for t in self._recent if now - t < 1.0]
                chat_wait = self._per_chat - (now - self._last_by_chat.get(chat, -1e9))
                global_wait = (1.0 - (now - self._recent[0])) if len(self._recent) >= self._per_second else 0.0
                delay = max(chat_wait, global_wait, 0.0)
                if delay == 0.0:
                    self._recent.append(now)
                    self._last_by_chat[chat] = now
                    return
            time.sleep(min(delay, 1.0))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long text at line breaks into parts Telegram accepts."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return [p for p in parts if p]


BUTTON_ACTIONS = ("accept", "resolve", "reject", "confirm")


def action_buttons(message: OutboxMessage) -> dict | None:
    """Inline buttons for what the recipient may do with the request now (Accept, Ship, Reject, Confirm)."""
    callbacks = import_bot_module("helpdesk.bot.callbacks")  # aiogram: loaded anyway while the bot runs
    AccessDecision, TicketAction = callbacks.AccessDecision, callbacks.TicketAction  # noqa: N806

    if message.kind == "access_requested" and message.user_id is not None:
        lang, request_id = message.user.language, int(message.payload["access_request_id"])
        return {"inline_keyboard": [[
            {"text": translate("✅ Approve", lang),
             "callback_data": AccessDecision(request_id=request_id, action="approve").pack()},
            {"text": translate("⛔ Reject", lang),
             "callback_data": AccessDecision(request_id=request_id, action="reject").pack()}]]}
    if message.ticket_id is None or message.user_id is None:
        return None

    ticket, user = message.ticket, message.user
    actions = [a for a in allowed_actions(Actor(user, "bot"), ticket) if a in BUTTON_ACTIONS]
    rows = [[{"text": translate(action_label(ticket, a), user.language),
              "callback_data": TicketAction(action=a, number=ticket.number).pack()}] for a in actions]
    return {"inline_keyboard": rows} if rows else None


class TelegramTransport:
    def __init__(self, token: str, api_url: str, limiter: RateLimiter | None = None, timeout: float = 15.0) -> None:
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self._client = httpx.Client(timeout=timeout)
        self._limiter = limiter or RateLimiter()

    def call(self, method: str, **params: object) -> dict:
        try:
            response = self._client.post(self._base + method, json=params)
        except httpx.HTTPError as exc:  # network trouble: try again later
            raise DeliveryError(f"Bot API unreachable: {type(exc).__name__}") from None
        try:
            data = response.json()
        except ValueError:
            raise DeliveryError(f"Bot API answered HTTP {response.status_code}") from None
        if data.get("ok"):
            return data["result"]
        code = data.get("error_code", response.status_code)
        description = data.get("description", "")
        if code == 429:
            retry_after = float((data.get("parameters") or {}).get("retry_after", 5))
            raise DeliveryError(f"Bot API rate limit: retry after {retry_after:g}s", retry_after=retry_after)
        # 400 (bad request), 403 (blocked by the user) and 404 will not improve by retrying.
        raise DeliveryError(f"Bot API error {code}: {description}", permanent=code in (400, 401, 403, 404))

    def send(self, message: OutboxMessage) -> str | None:
        """Send (in parts if long); the buttons go with the last part. Returns its message id."""
        _, body = render(message)
        parts = split_text(body)
        markup = action_buttons(message)
        result: dict = {}
        for index, part in enumerate(parts):
            self._limiter.wait(message.address)
            params: dict[str, object] = {"chat_id": int(message.address), "text": part}
            if markup and index == len(parts) - 1:
                params["reply_markup"] = markup
            result = self.call("sendMessage", **params)
        return str(result.get("message_id")) if result else None

    def close(self) -> None:
        self._client.close()
