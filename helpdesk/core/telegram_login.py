"""Logging in to the panel through the bot: a one-time code (or link) sent to the user's Telegram.

It works on a LAN where Telegram's login widget cannot (the widget needs a public domain). The answer
to "send me a code" is the same whether or not the account exists, so nobody can probe for users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from peewee import fn

from helpdesk.core import audit, outbox
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Forbidden, ValidationError
from helpdesk.core.fields import clean_text, parse_int
from helpdesk.db.database import write_transaction
from helpdesk.db.models import LoginCode, User, utcnow

CODE_TTL = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5
WRONG = N_("The code is wrong or has expired. Ask for a new one.")
OTHER_BROWSER = N_("This link works only in the browser where the code was asked for. Open the panel there, "
                   "or enter the 6-digit code from the bot's message on the page that asked for it.")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def find_user(identifier: str) -> User | None:
    """An active user with Telegram by numeric ID or @username (as typed, with or without the @)."""
    text = clean_text(identifier).strip().lstrip("@").strip()
    if not text or len(text) > 64:
        return None
    query = User.select().where(User.active & User.telegram_id.is_null(False))
    if text.isascii() and text.isdigit():
        number = parse_int(text)
        return query.where(User.telegram_id == number).first() if number is not None else None
    return query.where(fn.LOWER(User.telegram_username) == text.lower()).first()


def new_browser_key() -> str:
    """A random key the asking browser keeps (in its session); only its hash is stored with the code."""
    return secrets.token_urlsafe(24)


def send_code(identifier: str, panel_url: str, browser_key: str, now: dt.datetime | None = None) -> int | None:
    """Queue a code and a link for the user; returns the challenge id to keep in the browser's session.

    `panel_url` is the configured panel address (never a request's Host). The link only works together
    with `browser_key`, so a link that leaks (a forwarded message, a poisoned address) logs nobody in.
    A second request within a minute re-uses the pending challenge instead of sending again.
    """
    user = find_user(identifier)
    if user is None:
        return None
    now = now or utcnow()
    with outbox.changes():  # its commit wakes the delivery: the code goes out at once
        recent = (LoginCode.select().where((LoginCode.user == user.id) & LoginCode.used_at.is_null()
                                           & (LoginCode.created_at > now - RESEND_AFTER))
                  .order_by(LoginCode.id.desc()).first())
        if recent is not None:
            return recent.id
        code = f"{secrets.randbelow(1_000_000):06d}"
        link_token = secrets.token_urlsafe(24)
        challenge = LoginCode.create(user=user, code_hash=_digest(code), link_hash=_digest(link_token),
                                     browser_hash=_digest(browser_key), created_at=now, expires_at=now + CODE_TTL)
        link = f"{panel_url.rstrip('/')}/login/telegram/link/{link_token}"
        outbox.notify([user], "login_code", {"code": code, "link": link,
                                             "minutes": int(CODE_TTL.total_seconds() // 60)}, telegram_only=True)
    return challenge.id


def _consume(challenge: LoginCode, how: str, now: dt.datetime) -> User:
    claimed = (LoginCode.update(used_at=now)
               .where((LoginCode.id == challenge.id) & LoginCode.used_at.is_null()).execute())
    user = User.get_by_id(challenge.user_id)
    if claimed != 1 or not user.active:
        raise Forbidden(WRONG)
    User.update(last_login_at=now).where(User.id == user.id).execute()
    audit.record(Actor(user, "web"), "login_telegram", entity="user", entity_id=user.id, after={"by": how})
    return User.get_by_id(user.id)


def check_code(challenge_id: int | None, code: str, now: dt.datetime | None = None) -> User:
    """The user, when `code` matches the challenge kept in this browser; five wrong tries end it."""
    now = now or utcnow()
    code = "".join(ch for ch in (code or "") if ch in "0123456789")
    if len(code) != 6:
        raise ValidationError(N_("Enter the 6 digits from the bot's message."), field="code")
    with write_transaction():
        challenge = LoginCode.get_or_none(LoginCode.id == challenge_id) if challenge_id else None
        if (challenge is None or challenge.used_at is not None or challenge.expires_at < now
                or challenge.attempts >= MAX_ATTEMPTS):
            raise Forbidden(WRONG)
        if hmac.compare_digest(challenge.code_hash, _digest(code)):
            return _consume(challenge, "code", now)
        # Counted in a committed transaction: raising inside it would roll the count back.
        LoginCode.update(attempts=LoginCode.attempts + 1).where(LoginCode.id == challenge.id).execute()
    raise Forbidden(WRONG)


def check_link(token: str, browser_key: str | None, now: dt.datetime | None = None) -> User:
    """The user of a link opened in the browser that asked for it (its `browser_key`).

    In another browser the link is refused but not used up: the code still works where it was asked.
    """
    now = now or utcnow()
    with write_transaction():
        challenge = LoginCode.get_or_none(LoginCode.link_hash == _digest(token or ""))
        if challenge is None or challenge.used_at is not None or challenge.expires_at < now:
            raise Forbidden(WRONG)
        if not browser_key or not challenge.browser_hash or not hmac.compare_digest(challenge.browser_hash,
                                                                                      _digest(browser_key)):
            raise Forbidden(OTHER_BROWSER)
        return _consume(challenge, "link", now)
