"""Notices through the Bot API emulator: one chat's request notices due together go as one message (within
4096 characters, the rest in the next), a login code alone and first, other chats side by side."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from helpdesk.bot.callbacks import OpenTicket
from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.transport import TelegramTransport
from helpdesk.core import outbox, tickets
from helpdesk.db.models import OutboxMessage, Ticket, User
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator

SAM = 1002


def _transport(emulator: BotApiEmulator, per_chat: float = 1.0) -> TelegramTransport:
    return TelegramTransport(emulator.token, emulator.base_url, limits=TelegramLimits(per_chat=per_chat))


@pytest.fixture
def transport(emulator: BotApiEmulator) -> Iterator[TelegramTransport]:
    sender = _transport(emulator)
    yield sender
    sender.close()
    assert sender.wait_closed()


def _requests(org: Org, count: int, description: str = "Printer is dead") -> list[str]:
    return [tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"{description} {i}")).number
            for i in range(count)]


def _buttons(call: dict) -> list[str]:
    markup = call["params"].get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup or {"inline_keyboard": []}
    return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]


def test_a_storekeepers_request_notices_due_together_go_as_one_message(sqlite_org: Org, emulator: BotApiEmulator,
                                                                      transport: TelegramTransport) -> None:
    numbers = _requests(sqlite_org, 5)
    report = outbox.deliver_due({"telegram": transport})
    assert report.sent == OutboxMessage.select().count() and report.retried == report.failed == 0
    (call,) = emulator.sent(SAM, "sendMessage")
    text = call["params"]["text"]
    assert text.startswith("5 уведомлений\n\n")
    assert [number for number in numbers if f"Новая заявка {number}" in text] == numbers, "each notice, in order"
    assert _buttons(call) == [OpenTicket(number=number).pack() for number in numbers], "one per request: its card"
    rows = list(OutboxMessage.select().where(OutboxMessage.user == sqlite_org.sam.id))
    assert {(row.status, row.external_id) for row in rows} == {("sent", str(call["result"]["message_id"]))}


def test_the_heading_is_in_the_recipients_language(sqlite_org: Org, emulator: BotApiEmulator,
                                                   transport: TelegramTransport) -> None:
    User.update(language="en").where(User.id == sqlite_org.sam.id).execute()
    _requests(sqlite_org, 2)
    outbox.deliver_due({"telegram": transport})
    (text,) = emulator.texts_for(SAM)
    assert text.startswith("2 notices\n\nNew request ")


def test_what_does_not_fit_in_4096_characters_goes_in_the_next_message(sqlite_org: Org, emulator: BotApiEmulator) -> None:
    sender = _transport(emulator, per_chat=0.05)
    try:
        numbers = _requests(sqlite_org, 12, description="x" * 600)
        assert outbox.deliver_due({"telegram": sender}).sent == OutboxMessage.select().count()
    finally:
        sender.close()
    calls = emulator.sent(SAM, "sendMessage")
    texts = [call["params"]["text"] for call in calls]
    assert len(texts) > 1 and all(len(text) <= 4096 for text in texts)
    assert all(text.startswith(f"{text.count('Новая заявка')} уведомлени") for text in texts), "each counts its own"
    assert "".join(texts).count("Новая заявка") == 12
    in_order = [number for text in texts for number in numbers if f"Новая заявка {number}\n" in text]
    assert in_order == numbers
    by_message = {}
    for row in OutboxMessage.select().where(OutboxMessage.user == sqlite_org.sam.id):
        by_message.setdefault(row.external_id, []).append(Ticket.get_by_id(row.ticket_id).number)
    assert sorted(len(v) for v in by_message.values()) == sorted(t.count("Новая заявка") for t in texts)
    assert set(by_message) == {str(call["result"]["message_id"]) for call in calls}


def test_a_login_code_goes_alone_and_before_the_chats_other_notices(sqlite_org: Org, emulator: BotApiEmulator,
                                                                     transport: TelegramTransport) -> None:
    _requests(sqlite_org, 3)
    with outbox.changes():
        outbox.notify([sqlite_org.sam], "login_code", {"code": "123456", "link": "http://x/l", "minutes": 10})
    outbox.deliver_due({"telegram": transport})
    first, second = emulator.texts_for(SAM)
    assert "123456" in first and "Новая заявка" not in first
    assert second.startswith("3 уведомления") and "123456" not in second


def test_an_access_request_keeps_its_own_buttons(sqlite_org: Org, emulator: BotApiEmulator,
                                                 transport: TelegramTransport) -> None:
    for name in ("Ann", "Ben"):
        with outbox.changes():
            outbox.notify([sqlite_org.alice], "access_requested", {"access_request_id": 7, "name": name})
    outbox.deliver_due({"telegram": transport})
    calls = emulator.sent(sqlite_org.alice.telegram_id, "sendMessage")
    assert len(calls) == 2 and all(len(_buttons(call)) == 2 for call in calls), "Approve and Reject, each its own"


def test_other_chats_do_not_wait_behind_one_busy_chat(sqlite_org: Org, emulator: BotApiEmulator) -> None:
    # Digests do not combine: one chat gets 8 messages, paced 0.3 s apart; the 6 other chats theirs at once.
    others = [User.create(display_name=f"K{i}", role="storekeeper", telegram_id=5000 + i) for i in range(6)]
    with outbox.changes():
        for day in range(8):
            outbox.notify([sqlite_org.sam], "digest", {"open": day, "overdue": 0})
        outbox.notify(others, "digest", {"open": 99, "overdue": 0})
    sender = _transport(emulator, per_chat=0.3)
    try:
        assert outbox.deliver_due({"telegram": sender}).sent == 8 + 6
    finally:
        sender.close()
    busy = emulator.sent(SAM, "sendMessage")
    assert [call["params"]["text"].split(",")[0].split()[-1] for call in busy] == [str(day) for day in range(8)], \
        "the chat's own in order"
    assert all(b["at"] - a["at"] >= 0.25 for a, b in zip(busy, busy[1:], strict=False)), "paced per chat"
    last_other = max(emulator.sent(other.telegram_id, "sendMessage")[0]["at"] for other in others)
    assert last_other < busy[1]["at"], "the others went out beside the busy chat's first, not after its eighth"
