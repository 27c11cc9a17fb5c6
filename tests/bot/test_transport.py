"""The outbox's Telegram transport: the real aiogram Bot talking HTTP to the Bot API emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.transport import MAX_WAIT, TelegramTransport
from helpdesk.config import Settings, load_settings
from helpdesk.core import outbox, tickets
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage, utcnow
from helpdesk.tasks.jobs import register_jobs, use_bot_token
from helpdesk.tasks.queue import create_huey
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator

SAM = 1002


@pytest.fixture
def transport(emulator: BotApiEmulator) -> Iterator[TelegramTransport]:
    # Its own limits: a 429 paused in one test must not hold the next.
    sender = TelegramTransport(emulator.token, emulator.base_url, limits=TelegramLimits())
    yield sender
    sender.close()
    assert sender.wait_closed(), "the loop stops and the session closes"


def _settings(tmp_path: Path, emulator: BotApiEmulator, token: str = "") -> Settings:
    environ = {"HELPDESK_TELEGRAM_API_URL": emulator.base_url} | ({"HELPDESK_BOT_TOKEN": token} if token else {})
    return load_settings({"data_dir": str(tmp_path / "data")}, environ=environ)


def _new_request(org: Org, description: str = "Printer is dead") -> OutboxMessage:
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=description))
    return OutboxMessage.get(OutboxMessage.user == org.sam.id)


def test_a_notice_goes_out_with_its_message_id(sqlite_org: Org, emulator: BotApiEmulator,
                                               transport: TelegramTransport) -> None:
    message = _new_request(sqlite_org)
    assert outbox.deliver_due({"telegram": transport}).sent == 1
    call = emulator.wait_for_message(SAM, contains="Новая заявка")[-1]
    row = OutboxMessage.get_by_id(message.id)
    assert row.status == "sent" and row.external_id == str(call["result"]["message_id"])


def test_429_is_waited_out_for_its_retry_after(sqlite_org: Org, emulator: BotApiEmulator,
                                              transport: TelegramTransport) -> None:
    _new_request(sqlite_org)
    emulator.fail_next("sendMessage", 429, retry_after=1)
    assert outbox.deliver_due({"telegram": transport}).sent == 1
    failed, sent = emulator.sent(SAM, "sendMessage")
    assert not failed["ok"] and sent["ok"] and sent["at"] - failed["at"] >= 1.0


def test_a_long_429_reschedules_instead_of_holding_the_worker(sqlite_org: Org, emulator: BotApiEmulator,
                                                              transport: TelegramTransport) -> None:
    message = _new_request(sqlite_org)
    emulator.fail_next("sendMessage", 429, retry_after=int(MAX_WAIT) + 25)
    report = outbox.deliver_due({"telegram": transport})
    row = OutboxMessage.get_by_id(message.id)
    assert report.retried == 1 and row.status == "pending"
    assert row.due_at > utcnow() + dt.timedelta(seconds=25), "due again after Telegram's retry_after"
    with pytest.raises(DeliveryError) as paused:  # the pause holds for every notice, without a call
        transport.send(row)
    assert paused.value.retry_after and not paused.value.permanent
    assert len(emulator.sent(SAM, "sendMessage")) == 1


def test_a_user_who_blocked_the_bot_is_given_up_at_once(sqlite_org: Org, emulator: BotApiEmulator,
                                                        transport: TelegramTransport) -> None:
    message = _new_request(sqlite_org)
    emulator.block_user(SAM)
    report = outbox.deliver_due({"telegram": transport})
    row = OutboxMessage.get_by_id(message.id)
    assert report.failed == 1 and row.status == "failed" and row.attempts == 1 and "blocked" in row.last_error


def test_a_long_notice_is_split_and_the_buttons_go_last(sqlite_org: Org, emulator: BotApiEmulator,
                                                        transport: TelegramTransport) -> None:
    message = _new_request(sqlite_org)
    reason = "\n".join(f"line {i} " + "x" * 90 for i in range(60))  # ~5,800 characters
    OutboxMessage.update(payload={"number": message.ticket.number, "reason": reason}).execute()
    assert outbox.deliver_due({"telegram": transport}).sent == 1
    parts = [c for c in emulator.sent(SAM, "sendMessage") if c["ok"]]
    assert len(parts) == 2 and all(len(c["params"]["text"]) <= 4096 for c in parts)
    assert "reply_markup" not in parts[0]["params"] and "reply_markup" in parts[1]["params"]
    assert OutboxMessage.get_by_id(message.id).external_id == str(parts[1]["result"]["message_id"])


def test_held_without_a_token_sent_when_one_is_set_and_the_old_session_closed(
        sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path) -> None:
    jobs = register_jobs(create_huey(_settings(tmp_path, emulator), immediate=True), _settings(tmp_path, emulator))
    outbox.add_listener(jobs.deliver_outbox)
    assert "telegram" not in jobs.transports
    message = _new_request(sqlite_org)  # its commit wakes the delivery: nothing to send it with
    assert OutboxMessage.get_by_id(message.id).status == "pending" and not emulator.sent(SAM)

    use_bot_token(jobs.transports, _settings(tmp_path, emulator, emulator.token))  # wakes the delivery
    assert OutboxMessage.get_by_id(message.id).status == "sent"
    assert "Новая заявка" in emulator.texts_for(SAM)[0]

    first = jobs.transports["telegram"]
    assert isinstance(first, TelegramTransport)
    use_bot_token(jobs.transports, _settings(tmp_path, emulator, "999:OTHER-TOKEN"))
    assert first.wait_closed(10) and first.bot.session._session.closed, "the old token's session is closed"
    use_bot_token(jobs.transports, _settings(tmp_path, emulator))
    assert "telegram" not in jobs.transports


def test_notices_expire_after_their_age_limit(sqlite_org: Org, transport: TelegramTransport) -> None:
    message = _new_request(sqlite_org)
    past = utcnow() - outbox.MAX_AGE - dt.timedelta(minutes=1)  # made and due then
    OutboxMessage.update(created_at=past, due_at=past).execute()
    assert outbox.deliver_due({}).sent == 0
    row = OutboxMessage.get_by_id(message.id)
    assert row.status == "expired" and row.last_error == outbox.EXPIRED
    assert outbox.deliver_due({"telegram": transport}).sent == 0
