"""Delivery side by side: one lane per chat, the lanes at once, each chat's notices in order.

A chat's notices due together go as one message when their kinds allow it (COALESCING_KINDS): a bulk
import or an SLA sweep gives a storekeeper dozens at once, and Telegram lets a chat have about one
message a second, while 30 a second go to all chats together. So 200 notices for one storekeeper no
longer hold the other chats' notices behind them, and they arrive as a few lists, not 200 messages.

Which kinds coalesce (the decision): news about requests (new, status, comment, assignment, SLA
reminders and escalations). Each request in a combined message keeps one button that opens its card,
where its own action buttons are. Never combined, and sent first in their chat's lane: a login code
(someone is waiting at the panel for it; it must not wait for a list or be lost in one). Never combined:
an access request (its Approve/Reject buttons decide that one person), the approval (a new user's first
message), the digest (already a summary), reports.

Crash safety is the outbox's: a row is claimed pending -> sending only just before its message is
composed, the rows that did not fit go back to pending at once, and each message's outcome is written
as soon as it is known. So a kill -9 leaves 'sending' only the rows of the messages in flight (one per
chat at most) - what reclaim_at_start() gives to the next leader - never a whole claimed batch, some of
which the dead process had already sent.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from peewee import fn

from helpdesk.core import maintenance
from helpdesk.core.outbox import DeliveryError, Tally, _claim, settle
from helpdesk.db.database import write_transaction
from helpdesk.db.models import OutboxMessage, utcnow

COALESCING_KINDS = frozenset({"ticket_created", "status_changed", "comment_added", "assigned", "sla_reminder",
                              "sla_escalation", "resolve_reminder", "resolve_escalation"})
FIRST_KINDS = ("login_code",)  # go before anything else waiting for their chat
MAX_GROUP = 30  # notices offered to one message (the transport takes as many as fit its size)
PER_CHAT = 2 * MAX_GROUP  # a chat's rows read at once; a lane reads its next ones when they run out
MAX_REFILLS = 20  # a lane stops after this many reads (the next wake goes on), so a stream cannot hold it
SEND_DEADLINE = 300.0  # a message not answered by then is given up as failed-for-now (retried later)


@runtime_checkable
class LaneTransport(Protocol):
    def prepare(self, messages: Sequence[OutboxMessage]) -> tuple[int, Any]:
        """Compose one message from the first of these notices (one chat's, in order): as many as fit.
        Returns how many it holds and what to hand to `submit`. Reads the database: the worker's thread."""

    def submit(self, address: str, prepared: Any) -> concurrent.futures.Future[str | None]:
        """Start sending; the future gives the channel's id of the message, or raises DeliveryError."""


def due_rows(channels: list[str], now: dt.datetime, limit: int) -> list[Any]:
    """Due rows (id, channel, address, kind), every chat's oldest first, then every chat's second...

    Ordered by turn, one chat's 200 notices take only their share of `limit`: the other chats' first
    notices are all read in the same pass.
    """
    chat = [OutboxMessage.channel, OutboxMessage.address]
    ranked = (OutboxMessage
              .select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.address, OutboxMessage.kind,
                      OutboxMessage.due_at,
                      fn.ROW_NUMBER().over(partition_by=chat, order_by=[OutboxMessage.due_at, OutboxMessage.id])
                      .alias("turn"))
              .where((OutboxMessage.status == "pending") & (OutboxMessage.due_at <= now)
                     & OutboxMessage.channel.in_(channels)))
    return list(OutboxMessage.select(ranked.c.id, ranked.c.channel, ranked.c.address, ranked.c.kind)
                .from_(ranked).where(ranked.c.turn <= PER_CHAT)
                .order_by(ranked.c.turn, ranked.c.due_at, ranked.c.id).limit(limit).objects())


# Chats a lane of this process is delivering to now, each with whether another delivery found more for it
# meanwhile: two deliveries (the queue has two workers) must not both send to one chat, out of order.
_busy: dict[tuple[str, str], bool] = {}
_busy_lock = threading.Lock()


def _own(key: tuple[str, str]) -> bool:
    with _busy_lock:
        if key in _busy:
            _busy[key] = True  # its lane reads once more before it lets go
            return False
        _busy[key] = False
        return True


def _let_go(key: tuple[str, str]) -> bool:
    """Give the chat up unless more was found for it meanwhile (then: True, read again)."""
    with _busy_lock:
        if _busy.get(key):
            _busy[key] = False
            return True
        _busy.pop(key, None)
        return False


class _Lane:
    def __init__(self, channel: str, address: str, rows: list[Any]) -> None:
        self.key = (channel, address)
        self.address = address
        self.queue: collections.deque[tuple[int, str]] = collections.deque()
        self.refills = 0
        self.owned = True
        self._put(rows)

    def _put(self, rows: list[Any]) -> None:
        rows = sorted(rows, key=lambda r: r.kind not in FIRST_KINDS)  # stable: otherwise due order
        self.queue.extend((row.id, row.kind) for row in rows)

    def take(self) -> list[int]:
        """The next group: one notice, or the run of coalescing ones at the front (up to MAX_GROUP)."""
        if not self.queue:
            return []
        first_id, kind = self.queue.popleft()
        group = [first_id]
        while kind in COALESCING_KINDS and self.queue and self.queue[0][1] in COALESCING_KINDS \
                and len(group) < MAX_GROUP:
            group.append(self.queue.popleft()[0])
        return group

    def refill(self) -> bool:
        """Read the chat's pending due notices again (come meanwhile, or beyond the first read)."""
        while self.refills < MAX_REFILLS:
            self.refills += 1
            channel, address = self.key
            rows = list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.kind)
                        .where((OutboxMessage.status == "pending") & (OutboxMessage.due_at <= utcnow())
                               & (OutboxMessage.channel == channel) & (OutboxMessage.address == address))
                        .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(PER_CHAT))
            if rows:
                self._put(rows)
                return True
            if not _let_go(self.key):
                self.owned = False
                return False
        self.disown()  # what came meanwhile waits for the next wake or the minute's sweep
        return False

    def disown(self) -> None:
        if self.owned:
            self.owned = False
            with _busy_lock:
                _busy.pop(self.key, None)

    def push_back(self, messages: list[OutboxMessage]) -> None:
        self.queue.extendleft((m.id, m.kind) for m in reversed(messages))


def deliver(transport: LaneTransport, channel: str, rows: list[Any], tally: Tally) -> None:
    """Send these due rows of one channel, a lane per chat, each outcome written as soon as it is known."""
    by_chat: dict[str, list[Any]] = {}
    for row in rows:
        by_chat.setdefault(row.address, []).append(row)
    lanes = [_Lane(channel, address, chat_rows) for address, chat_rows in by_chat.items()
             if _own((channel, address))]
    idle = list(lanes)
    in_flight: dict[concurrent.futures.Future[str | None], tuple[_Lane, list[OutboxMessage]]] = {}
    try:
        while idle or in_flight:
            for lane in idle:
                started = _start_next(transport, lane, tally)
                if started is not None:
                    in_flight[started[0]] = (lane, started[1])
            idle = []
            if not in_flight:
                break
            done, _ = concurrent.futures.wait(in_flight, timeout=SEND_DEADLINE,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            if not done:  # the Bot API hangs: give up waiting for all of them
                for future, (lane, messages) in list(in_flight.items()):
                    future.cancel()
                    for message in messages:
                        settle(message, DeliveryError("the Bot API did not answer in time"), tally)
                    lane.disown()
                in_flight.clear()
                break
            for future in done:
                lane, messages = in_flight.pop(future)
                outcome = _outcome(future)
                with write_transaction():  # one message: its notices' outcomes together
                    for message in messages:
                        settle(message, outcome, tally)
                idle.append(lane)
    finally:
        for lane in lanes:  # each let go when it ran dry; this is for an error or the timeout
            lane.disown()


def _start_next(transport: LaneTransport, lane: _Lane,
                tally: Tally) -> tuple[concurrent.futures.Future[str | None], list[OutboxMessage]] | None:
    """Claim the lane's next group, compose its message, put back what did not fit, and send it."""
    while True:
        if maintenance.active():  # the move waits for this job: what is in flight ends, the rest stays pending
            return None
        ids = lane.take()
        if not ids:
            if lane.refill():
                continue
            return None
        with write_transaction():
            claimed = [message_id for message_id in ids if _claim(message_id, utcnow())]
        if not claimed:  # another delivery took them (another worker's sweep)
            continue
        order = {message_id: index for index, message_id in enumerate(claimed)}
        messages = sorted(OutboxMessage.select().where(OutboxMessage.id.in_(claimed)), key=lambda m: order[m.id])
        try:
            count, prepared = transport.prepare(messages)
            count = max(1, min(count, len(messages)))
        except Exception as exc:  # noqa: BLE001 - this notice's own problem (or the transport's): settled
            settle(messages[0], exc, tally)
            _release(messages[1:])
            lane.push_back(messages[1:])
            continue
        if count < len(messages):  # the rest goes in the lane's next message: pending until then
            _release(messages[count:])
            lane.push_back(messages[count:])
        messages = messages[:count]
        try:
            return transport.submit(lane.address, prepared), messages
        except Exception as exc:  # noqa: BLE001 - closed meanwhile: the outbox tries again later
            with write_transaction():
                for message in messages:
                    settle(message, exc, tally)


def _release(messages: list[OutboxMessage]) -> None:
    if messages:
        (OutboxMessage.update(status="pending")
         .where(OutboxMessage.id.in_([m.id for m in messages]) & (OutboxMessage.status == "sending")).execute())


def _outcome(future: concurrent.futures.Future[str | None]) -> str | None | Exception:
    if future.cancelled():  # the transport closed while sending
        return DeliveryError("the Telegram transport was closed")
    error = future.exception()
    return error if error is not None else future.result()
