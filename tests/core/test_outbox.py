"""The outbox delivers once, retries transient failures with back-off, gives up on permanent ones."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading

import pytest

from helpdesk.core import outbox, telegram_login, tickets
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage, User, utcnow
from tests.conftest import Org


class Recorder:
    def __init__(self, failures: list[DeliveryError] | None = None) -> None:
        self.sent: list[int] = []
        self.failures = list(failures or [])

    def send(self, message: OutboxMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message.id)


def _one_message(org: Org) -> OutboxMessage:
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer is dead"))
    return OutboxMessage.get()


def test_listener_wakes_after_commit_only(org: Org) -> None:
    woken: list[int] = []
    outbox.add_listener(lambda: woken.append(OutboxMessage.select().count()))
    _one_message(org)
    assert woken == [1], "woken once, after the row was committed"


def test_delivers_once(org: Org) -> None:
    message = _one_message(org)
    transport = Recorder()
    assert outbox.deliver_due({"telegram": transport}).sent == 1
    assert outbox.deliver_due({"telegram": transport}).sent == 0
    assert transport.sent == [message.id]
    assert OutboxMessage.get_by_id(message.id).status == "sent"


def test_transient_failure_backs_off_then_succeeds(org: Org) -> None:
    message = _one_message(org)
    transport = Recorder([DeliveryError("429", retry_after=30)])
    report = outbox.deliver_due({"telegram": transport})
    assert (report.sent, report.retried) == (0, 1)
    row = OutboxMessage.get_by_id(message.id)
    assert row.status == "pending" and row.attempts == 1 and row.due_at > utcnow() + dt.timedelta(seconds=25)
    assert outbox.deliver_due({"telegram": transport}).sent == 0, "not due yet"
    OutboxMessage.update(due_at=utcnow()).execute()
    assert outbox.deliver_due({"telegram": transport}).sent == 1


def test_permanent_failure_is_not_retried(org: Org) -> None:
    message = _one_message(org)
    report = outbox.deliver_due({"telegram": Recorder([DeliveryError("blocked", permanent=True)])})
    assert report.failed == 1
    row = OutboxMessage.get_by_id(message.id)
    assert row.status == "failed" and "blocked" in row.last_error


def test_stuck_rows_are_released(org: Org) -> None:
    message = _one_message(org)
    OutboxMessage.update(status="sending", due_at=utcnow() - dt.timedelta(minutes=10)).execute()
    assert outbox.release_stuck() == 1
    assert OutboxMessage.get_by_id(message.id).status == "pending"


def test_held_without_a_transport_then_sent(org: Org) -> None:
    message = _one_message(org)
    assert outbox.deliver_due({"email": Recorder()}) == outbox.DeliveryReport()
    assert OutboxMessage.get_by_id(message.id).status == "pending", "held, not failed"
    transport = Recorder()
    assert outbox.deliver_due({"telegram": transport}).sent == 1 and transport.sent == [message.id]


def test_notices_past_their_age_expire(org: Org) -> None:
    message = _one_message(org)
    code = OutboxMessage.create(channel="telegram", kind="login_code", user=org.bob, address="1004",
                                payload={"code": "123456"})
    past = utcnow() - dt.timedelta(minutes=11)
    OutboxMessage.update(created_at=past, due_at=past).execute()
    assert outbox.expire_old() == 1, "a login code dies with the code; other notices live a day"
    assert OutboxMessage.get_by_id(code.id).status == "expired"
    assert OutboxMessage.get_by_id(message.id).status == "pending"
    past = utcnow() - outbox.MAX_AGE - dt.timedelta(minutes=1)
    OutboxMessage.update(created_at=past, due_at=past).execute()
    assert outbox.deliver_due({"telegram": Recorder()}).sent == 0
    assert OutboxMessage.get_by_id(message.id).status == "expired"


def test_the_login_code_lives_as_long_as_its_notice() -> None:
    assert outbox.MAX_AGE_BY_KIND["login_code"] == telegram_login.CODE_TTL


class SideBySide:
    """A transport that sends to chats side by side (prepare/submit); `fits` notices make one message.
    It notes which rows are 'sending' whenever a message is handed over."""

    def __init__(self, fits: int) -> None:
        self.fits = fits
        self.messages: list[list[int]] = []
        self.sending: list[list[int]] = []

    def send(self, message: OutboxMessage) -> None:
        raise AssertionError("a side-by-side transport is given the chat's notices")

    def prepare(self, messages: list[OutboxMessage]) -> tuple[int, list[int]]:
        return min(self.fits, len(messages)), [m.id for m in messages[:self.fits]]

    def submit(self, address: str, prepared: list[int]) -> concurrent.futures.Future[str]:
        self.sending.append([m.id for m in OutboxMessage.select().where(OutboxMessage.status == "sending")])
        self.messages.append(prepared)
        future: concurrent.futures.Future[str] = concurrent.futures.Future()
        future.set_result(f"m{len(self.messages)}")
        return future


def test_only_the_notices_of_the_message_in_flight_are_sending(org: Org) -> None:
    """A kill -9 then leaves to the next leader's reclaim only what may have gone out: never a claimed batch."""
    for i in range(5):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {i}"))
    ids = [m.id for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    transport = SideBySide(fits=2)
    assert outbox.deliver_due({"telegram": transport}).sent == 5
    assert transport.messages == [ids[0:2], ids[2:4], ids[4:5]]
    assert transport.sending == transport.messages, "the rest stays pending until its own message"
    rows = OutboxMessage.select().order_by(OutboxMessage.id)
    assert [(r.status, r.external_id) for r in rows] == [("sent", "m1")] * 2 + [("sent", "m2")] * 2 + [("sent", "m3")]


def test_a_login_code_is_never_combined(org: Org) -> None:
    for i in range(2):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {i}"))
    telegram_login.send_code(str(org.sam.telegram_id), "http://panel", "browser-key")
    code = OutboxMessage.get(OutboxMessage.kind == "login_code")
    transport = SideBySide(fits=30)
    outbox.deliver_due({"telegram": transport})
    assert transport.messages[0] == [code.id], "alone, and first"
    assert sorted(transport.messages[1]) == sorted(m.id for m in OutboxMessage.select()
                                                   .where(OutboxMessage.kind == "ticket_created"))


class Killed(BaseException):
    """Stands for a kill -9: nothing after it runs, no except clause of the outbox catches it."""


class KilledAtMessage(SideBySide):
    """Hands over messages until the `at`-th, where the process 'dies' (that one may have gone out)."""

    def __init__(self, at: int) -> None:
        super().__init__(fits=30)
        self.at = at

    def submit(self, address: str, prepared: list[int]) -> concurrent.futures.Future[str]:
        future = super().submit(address, prepared)
        if len(self.messages) == self.at:
            raise Killed
        return future


def test_a_kill_mid_delivery_leaves_sending_only_what_may_have_gone_out(org: Org) -> None:
    for i in range(3):  # three notices for sam (one message), then one each for five more chats
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {i}"))
    others = [User.create(display_name=f"K{i}", role="storekeeper", telegram_id=5000 + i) for i in range(5)]
    with outbox.changes():
        outbox.notify(others, "digest", {"open": 1, "overdue": 0})
    dying = KilledAtMessage(at=4)
    with pytest.raises(Killed):
        outbox.deliver_due({"telegram": dying})
    went_out = [i for message in dying.messages for i in message]
    sending = [m.id for m in OutboxMessage.select().where(OutboxMessage.status == "sending")]
    assert sorted(sending) == sorted(went_out), "handed over, not yet answered: nothing claimed ahead of its turn"
    assert OutboxMessage.select().where(OutboxMessage.status == "pending").count() == 8 - len(went_out)
    assert outbox.reclaim_at_start() == len(sending)  # the next leader
    again = SideBySide(fits=30)
    assert outbox.deliver_due({"telegram": again}).sent == 8
    delivered = went_out + [i for message in again.messages for i in message]
    assert sorted(set(delivered)) == sorted(m.id for m in OutboxMessage.select()), "none lost"
    assert len(delivered) - len(set(delivered)) == len(sending), "twice only what was in flight at the kill"


class OneInFlightPerChat(SideBySide):
    """Answers each message after a moment, from another thread; notes any chat with two messages in flight."""

    def __init__(self) -> None:
        super().__init__(fits=1)
        self.lock = threading.Lock()
        self.in_flight: set[str] = set()
        self.overlaps: list[str] = []
        self.order: dict[str, list[int]] = {}

    def submit(self, address: str, prepared: list[int]) -> concurrent.futures.Future[str]:
        future: concurrent.futures.Future[str] = concurrent.futures.Future()
        with self.lock:
            if address in self.in_flight:
                self.overlaps.append(address)
            self.in_flight.add(address)
            self.order.setdefault(address, []).extend(prepared)

        def answer() -> None:
            with self.lock:
                self.in_flight.discard(address)
            future.set_result(f"m{prepared[0]}")

        threading.Timer(0.02, answer).start()
        return future


def test_two_deliveries_at_once_never_send_to_one_chat_side_by_side(org: Org) -> None:
    keepers = [User.create(display_name=f"K{i}", role="storekeeper", telegram_id=5000 + i) for i in range(3)]
    with outbox.changes():
        for day in range(6):  # digests go one a message
            outbox.notify(keepers, "digest", {"open": day, "overdue": 0})
    transport = OneInFlightPerChat()
    reports: list[outbox.DeliveryReport] = []
    workers = [threading.Thread(target=lambda: reports.append(outbox.deliver_due({"telegram": transport})))
               for _ in range(2)]  # the queue's two workers
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sum(report.sent for report in reports) == 18
    assert transport.overlaps == [], "a chat's next message waits for its previous one"
    for address, ids in transport.order.items():
        assert ids == sorted(ids), f"chat {address} in order"


def test_delivery_stops_between_messages_while_the_database_moves(org: Org) -> None:
    """The move's pause waits for the minute's job: it ends after what is in flight, the rest stays pending."""
    from helpdesk.core import maintenance

    for i in range(3):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {i}"))
    lanes, plain = SideBySide(fits=1), Recorder()
    maintenance.begin()
    try:
        assert outbox.deliver_due({"telegram": lanes, "email": plain}).sent == 0
        assert lanes.messages == [] and plain.sent == []
        assert {m.status for m in OutboxMessage.select()} == {"pending"}
    finally:
        maintenance.end()
    assert outbox.deliver_due({"telegram": lanes}).sent == 3
