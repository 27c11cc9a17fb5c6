"""The outbox: notifications written in the same transaction as the change, delivered later.

Domain code writes rows inside `changes()`; when the outermost transaction commits, registered
listeners (the queue) are woken to deliver. A periodic sweep delivers whatever a crash left behind.
A notice for a channel with no transport (Telegram before a bot token is set) is held, pending, and
goes out when the transport arrives; one that could not go out within its age limit expires.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from helpdesk.core import maintenance, notify_prefs
from helpdesk.db import rows
from helpdesk.db.database import write_transaction
from helpdesk.db.models import OutboxMessage, Ticket, User, utcnow

log = logging.getLogger(__name__)

_listeners: list[Callable[[], None]] = []
_state = threading.local()

MAX_ATTEMPTS = 8
STUCK_AFTER = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(hours=24)
MAX_AGE_BY_KIND = {"login_code": dt.timedelta(minutes=10)}  # telegram_login.CODE_TTL: later it is dead
EXPIRED = "not sent within its age limit"


class DeliveryError(Exception):
    """A transport failure; `permanent` says whether retrying can help."""

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Transport(Protocol):
    """Sends one notice. One that also has `prepare`/`submit` (core/outbox_lanes.py: Telegram) is given a
    lane per chat instead, the chats side by side."""

    def send(self, message: OutboxMessage) -> str | None:
        """Deliver; may return the channel's id of what was sent (a Telegram message id)."""


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def add_listener(callback: Callable[[], None]) -> None:
    _listeners.append(callback)


def clear_listeners() -> None:
    _listeners.clear()


@contextlib.contextmanager
def changes() -> Iterator[None]:
    """The domain's write transaction; wakes the delivery after the outermost commit."""
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    if depth == 0:
        _state.wrote = False
    try:
        with write_transaction():
            yield
    finally:
        _state.depth = depth
    if depth == 0 and _state.wrote:
        _state.wrote = False
        wake()


def wake() -> None:
    """Tell the delivery there is something to send (after a commit, or when a transport arrives)."""
    for callback in list(_listeners):
        try:
            callback()
        except Exception:  # a sleeping queue must never undo a committed change
            log.exception("outbox listener failed")


@dataclass(frozen=True)
class Recipient:
    """One notice to write: whom, on which channel and address, held until when (None: now)."""

    user: User
    channel: str
    address: str
    held_until: dt.datetime | None


def recipients(users: Sequence[User], kind: str, ticket: Ticket | None = None, exclude: User | None = None,
               telegram_only: bool = False, channel: str | None = None,
               urgent: bool | None = None) -> list[Recipient]:
    """Who gets a notice of this kind, where, and when: the reads behind `notify()`.

    Callable before the write transaction, so a writer holding the lock (SQLite's one writer, the
    request counter's row on PostgreSQL) does not wait on them. `urgent` stands for the priority of a
    request not yet written (an urgent request's notices are never held).
    """
    planned: list[Recipient] = []
    seen: set[int] = set()
    now = utcnow()
    for user in users:
        if not user.active or user.id in seen or (exclude is not None and user.id == exclude.id):
            continue
        seen.add(user.id)
        prefs = notify_prefs.of(user)
        if channel == "email":
            pairs = [("email", user.email)] if user.email else []
        else:
            pairs = notify_prefs.addresses(user, kind, prefs)
        if telegram_only:
            pairs = [pair for pair in pairs if pair[0] == "telegram"]
        held = None
        if pairs and not urgent:
            held = notify_prefs.held_until(user, kind, ticket, now, prefs)
        planned.extend(Recipient(user, name, address, held) for name, address in pairs)
    return planned


def notify(users: Sequence[User], kind: str, payload: dict[str, Any], ticket: Ticket | None = None,
           exclude: User | None = None, telegram_only: bool = False, channel: str | None = None) -> int:
    """Queue a notification for each user who can be reached, on the channels they chose.

    Each person's choices (core/notify_prefs.py) decide the channels; the default is Telegram when they
    have it, else email. A notice in their quiet hours waits for the next working morning. `channel`
    forces one channel (a report goes by email); `telegram_only` keeps a notice off email.
    Only inside `changes()`: its commit is what wakes the delivery; written anywhere else, a notice
    would wait for the periodic sweep.
    """
    _require_changes("notify")
    return send(recipients(users, kind, ticket, exclude, telegram_only, channel), kind, payload, ticket)


def send(planned: Sequence[Recipient], kind: str, payload: dict[str, Any], ticket: Ticket | None = None) -> int:
    """Write the notices `recipients()` planned; only inside `changes()`, like `notify()`."""
    _require_changes("send")
    now = utcnow()
    for r in planned:
        rows.insert(OutboxMessage, channel=r.channel, kind=kind, user=r.user, ticket=ticket, address=r.address,
                    payload=payload, created_at=now, due_at=r.held_until or now)
    if planned:
        _state.wrote = True
    return len(planned)


def _require_changes(name: str) -> None:
    if not getattr(_state, "depth", 0):
        raise RuntimeError(f"outbox.{name}() outside outbox.changes(): nothing would wake the delivery")


def mark_written() -> None:
    """Inside `changes()`: a row was made ready to send another way (a retry): wake the delivery."""
    _state.wrote = True


def notify_address(channel: str, address: str, kind: str, payload: dict[str, Any]) -> None:
    """Queue a notice for an address that is nobody's account (a report's outside recipient)."""
    if not getattr(_state, "depth", 0):
        raise RuntimeError("outbox.notify_address() outside outbox.changes(): nothing would wake the delivery")
    OutboxMessage.create(channel=channel, kind=kind, address=address, payload=payload)
    _state.wrote = True


def release_stuck(now: dt.datetime | None = None, stuck_after: dt.timedelta = STUCK_AFTER) -> int:
    """Rows left 'sending' by a crash go back to 'pending'."""
    now = now or utcnow()
    return (OutboxMessage.update(status="pending")
            .where((OutboxMessage.status == "sending") & (OutboxMessage.due_at < now - stuck_after))
            .execute())


def reclaim_at_start() -> int:
    """When an instance starts delivering, nothing else is: whatever a crash left 'sending' is pending again.

    One instance delivers: the one process, or the leader of several sharing a database (called when it
    takes over; see helpdesk/leadership.py).
    """
    return release_stuck(utcnow() + dt.timedelta(seconds=1), stuck_after=dt.timedelta(0))


def _claim(message_id: int, now: dt.datetime) -> bool:
    # `now` is the claim's own time, never a delivery's start: release_stuck() counts STUCK_AFTER from it.
    # Compare-and-set: only the worker that flips pending -> sending delivers the row.
    claimed = (OutboxMessage.update(status="sending", due_at=now)
               .where((OutboxMessage.id == message_id) & (OutboxMessage.status == "pending"))
               .execute())
    return claimed == 1


def expire_old(now: dt.datetime | None = None) -> int:
    """Pending notices older than their age limit are given up as 'expired' (news that late misleads).

    Age counts from when a notice was due too: one held for quiet hours is as fresh as its morning.
    """
    now = now or utcnow()
    pending = OutboxMessage.status == "pending"
    youngest_limit = min([MAX_AGE, *MAX_AGE_BY_KIND.values()])
    if not OutboxMessage.select().where(pending & (OutboxMessage.created_at < now - youngest_limit)
                                        & (OutboxMessage.due_at < now - youngest_limit)).exists():
        return 0  # the usual case, answered by a read: no write lock taken on every wake
    count = 0
    for kind, age in MAX_AGE_BY_KIND.items():
        count += (OutboxMessage.update(status="expired", last_error=EXPIRED)
                  .where(pending & (OutboxMessage.kind == kind) & (OutboxMessage.created_at < now - age)
                         & (OutboxMessage.due_at < now - age)).execute())
    count += (OutboxMessage.update(status="expired", last_error=EXPIRED)
              .where(pending & OutboxMessage.kind.not_in(list(MAX_AGE_BY_KIND))
                     & (OutboxMessage.created_at < now - MAX_AGE) & (OutboxMessage.due_at < now - MAX_AGE))
              .execute())
    return count


def deliver_due(transports: dict[str, Transport], limit: int = 100) -> DeliveryReport:
    """Deliver pending messages whose time has come; transient failures back off and retry.

    Messages for a channel without a transport stay pending (held) until one is there. A transport that
    sends to many chats side by side (Telegram: `prepare`/`submit`, see core/outbox_lanes.py) is given
    one lane per chat, every chat's oldest notices first; any other sends one notice at a time.
    """
    from helpdesk.core import outbox_lanes  # it builds on this module

    now = utcnow()
    expire_old(now)
    tally = Tally()
    due = outbox_lanes.due_rows(list(transports), now, limit)
    side_by_side = [c for c in transports if isinstance(transports[c], outbox_lanes.LaneTransport)]
    for channel in side_by_side:  # first: they are quick, and login codes go this way
        rows = [row for row in due if row.channel == channel]
        if rows:
            outbox_lanes.deliver(transports[channel], channel, rows, tally)
    for row in due:
        if maintenance.active():  # the move waits for this job: the rest stays pending for after it
            break
        if row.channel in side_by_side or not _claim(row.id, utcnow()):
            continue
        message = OutboxMessage.get_by_id(row.id)
        settle(message, _attempt(transports.get(message.channel), message), tally)
    return DeliveryReport(tally.sent, tally.retried, tally.failed)


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _attempt(transport: Transport | None, message: OutboxMessage) -> str | None | Exception:
    try:
        if transport is None:  # taken away since the select (a token removed): hold it again
            raise DeliveryError(f"no transport for channel {message.channel!r}", retry_after=0)
        return transport.send(message)
    except Exception as exc:  # settled below like any other outcome
        return exc


def settle(message: OutboxMessage, outcome: str | None | Exception, tally: Tally) -> None:
    """Write what became of one notice at once: sent (with the channel's id), again later, or given up."""
    attempts = message.attempts + 1
    if isinstance(outcome, DeliveryError):
        if outcome.permanent or attempts >= MAX_ATTEMPTS:
            _finish(message, "failed", attempts, str(outcome))
            tally.failed += 1
        else:
            delay = outcome.retry_after if outcome.retry_after is not None else min(2 ** attempts * 5, 3600)
            _finish(message, "pending", attempts, str(outcome), due_at=utcnow() + dt.timedelta(seconds=delay))
            tally.retried += 1
    elif isinstance(outcome, Exception):  # an unknown error is treated as transient, but logged in full
        log.error("delivering outbox message %s failed", message.id, exc_info=outcome)
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        _finish(message, status, attempts, repr(outcome), due_at=utcnow() + dt.timedelta(seconds=2 ** attempts * 5))
        tally.retried += status == "pending"
        tally.failed += status == "failed"
    else:
        _finish(message, "sent", attempts, "", sent_at=utcnow(), external_id=outcome)
        tally.sent += 1


def _finish(message: OutboxMessage, status: str, attempts: int, error: str, **fields: Any) -> None:
    (OutboxMessage.update(status=status, attempts=attempts, last_error=error[:2000], **fields)
     .where(OutboxMessage.id == message.id).execute())


def pending_count() -> int:
    return OutboxMessage.select().where(OutboxMessage.status.in_(("pending", "sending"))).count()
