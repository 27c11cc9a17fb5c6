"""Failed logins counted per client address and per address + login, kept in the database.

Two counters, checked before any password hash is computed:
- an address that fails ADDRESS_LIMIT times within ADDRESS_WINDOW waits until the window ends (a flood of
  random logins from one machine costs a few hashes a minute, not a CPU and half a gigabyte);
- a login that fails ACCOUNT_FREE times from one address waits 1 s, then twice as long after each further
  failure, up to ACCOUNT_CAP. The account itself is never locked: its owner at another address logs in.
The rows live in the database rather than in process memory so that several server processes share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import peewee as pw

from helpdesk.core.errors import N_, RateLimited
from helpdesk.db.database import write_transaction
from helpdesk.db.models import LoginThrottle, utcnow

ADDRESS_LIMIT = 20
ADDRESS_WINDOW = dt.timedelta(minutes=1)
ACCOUNT_FREE = 5
ACCOUNT_FIRST_DELAY = dt.timedelta(seconds=1)
ACCOUNT_CAP = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)  # an address + login quiet this long starts from zero again


def _key(*parts: str) -> str:
    # Hashed: the table keeps no addresses or typed logins (or passwords typed into the login field).
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def address_key(address: str) -> str:
    return _key("address", address)


def account_key(address: str, login: str) -> str:
    return _key("account", address, login)


def _refusal(until: dt.datetime, now: dt.datetime) -> RateLimited:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return RateLimited(N_("Too many login attempts. Try again in %(seconds)s s."), retry_after=seconds,
                       seconds=seconds)


def check(keys: list[str], now: dt.datetime | None = None) -> None:
    """Raise RateLimited while any of these counters is blocked (a read: the cheap way to refuse a flood)."""
    now = now or utcnow()
    until = (LoginThrottle.select(pw.fn.MAX(LoginThrottle.blocked_until))
             .where(LoginThrottle.key.in_(keys) & (LoginThrottle.blocked_until > now)).scalar())
    if until is not None:
        raise _refusal(until, now)


def _save(key: str, failures: int, window_start: dt.datetime, blocked_until: dt.datetime | None) -> None:
    values = {"failures": failures, "window_start": window_start, "blocked_until": blocked_until}
    (LoginThrottle.insert(key=key, **values)
     .on_conflict(conflict_target=[LoginThrottle.key], update=values).execute())


def address_attempt(address: str, now: dt.datetime | None = None) -> None:
    """Count an attempt (password, Telegram code, API token) from this address, or refuse it.

    Counted before the password is checked, so concurrent requests cannot all slip past the limit.
    """
    now = now or utcnow()
    key = address_key(address)
    with write_transaction():
        row = LoginThrottle.get_or_none(LoginThrottle.key == key)
        if row is None or now - row.window_start >= ADDRESS_WINDOW:
            # A new window: a good moment to forget counters nobody has touched for a while.
            LoginThrottle.delete().where((LoginThrottle.window_start < now - FORGET_AFTER)
                                         & ((LoginThrottle.blocked_until.is_null())
                                            | (LoginThrottle.blocked_until < now))).execute()
            failures, start = 1, now
        elif row.failures >= ADDRESS_LIMIT:
            raise _refusal(row.window_start + ADDRESS_WINDOW, now)
        else:
            failures, start = row.failures + 1, row.window_start
        _save(key, failures, start, start + ADDRESS_WINDOW if failures >= ADDRESS_LIMIT else None)


def address_succeeded(address: str) -> None:
    """A good login gives its attempt back: people who type their password right are not counted."""
    (LoginThrottle.update(failures=LoginThrottle.failures - 1, blocked_until=None)
     .where((LoginThrottle.key == address_key(address)) & (LoginThrottle.failures > 0)).execute())


def account_failed(address: str, login: str, now: dt.datetime | None = None) -> None:
    """One more wrong password for this login from this address: past ACCOUNT_FREE, a growing wait."""
    now = now or utcnow()
    key = account_key(address, login)
    with write_transaction():
        row = LoginThrottle.get_or_none(LoginThrottle.key == key)
        failures = 1 if row is None or now - row.window_start >= FORGET_AFTER else row.failures + 1
        blocked = None
        if failures >= ACCOUNT_FREE:
            blocked = now + min(ACCOUNT_FIRST_DELAY * 2 ** min(failures - ACCOUNT_FREE, 20), ACCOUNT_CAP)
        _save(key, failures, now, blocked)


def account_succeeded(address: str, login: str) -> None:
    LoginThrottle.delete().where(LoginThrottle.key == account_key(address, login)).execute()
