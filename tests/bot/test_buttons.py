"""A request's buttons are the domain's allowed actions, the same on its notice and on its card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.bot.callbacks import OpenTicket, TicketAction
from helpdesk.core import lifecycle, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.models import Ticket, User
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


@pytest.fixture
def bot(sqlite_org: Org, tmp_path: Path) -> Iterator[tuple[BotHarness, BotApiEmulator]]:
    with BotApiEmulator() as emulator, BotHarness(emulator, tmp_path / "data") as harness:
        yield harness, emulator


def _buttons(message: dict) -> list[str]:
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


def _expected(user: User, ticket: Ticket) -> list[str]:
    actions = lifecycle.allowed_actions(Actor(User.get_by_id(user.id), "bot"), Ticket.get_by_id(ticket.id))
    return [TicketAction(action=a, number=ticket.number).pack() for a in [*actions, "comment"]]


def _notice_and_card(harness: BotHarness, emulator: BotApiEmulator, user: User, notice_text: str,
                     number: str) -> tuple[list[str], list[str]]:
    assert harness.deliver().sent >= 1
    notice = emulator.wait_for_message(user.telegram_id, contains=notice_text)[-1]["result"]
    emulator.user_presses(user.telegram_id, notice["message_id"], OpenTicket(number=number).pack())
    card = emulator.wait_for_message(user.telegram_id, contains=f"Заявка {number} ·")[-1]["result"]
    return _buttons(notice), _buttons(card)


def test_notice_and_card_show_the_domains_actions(bot: tuple[BotHarness, BotApiEmulator], sqlite_org: Org) -> None:
    harness, emulator = bot
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))

    notice, card = _notice_and_card(harness, emulator, sqlite_org.sam, f"Новая заявка {ticket.number}",
                                    ticket.number)
    assert notice == card == _expected(sqlite_org.sam, ticket)
    assert [TicketAction.unpack(b).action for b in notice] == ["accept", "reject", "comment"]

    lifecycle.transition(sqlite_org.actor("sam"), ticket, "accept")
    lifecycle.transition(sqlite_org.actor("sam"), Ticket.get_by_id(ticket.id), "resolve")
    notice, card = _notice_and_card(harness, emulator, sqlite_org.bob, "Выполнена", ticket.number)
    assert notice == card == _expected(sqlite_org.bob, ticket)
    assert [TicketAction.unpack(b).action for b in notice] == ["confirm", "comment"]


def test_a_forged_reject_button_is_refused_before_asking_why(bot: tuple[BotHarness, BotApiEmulator],
                                                             sqlite_org: Org) -> None:
    _, emulator = bot
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    emulator.user_sends(sqlite_org.bob.telegram_id, "/my")
    listing = emulator.wait_for_message(sqlite_org.bob.telegram_id, contains="Ваши заявки")[-1]["result"]
    emulator.user_presses(sqlite_org.bob.telegram_id, listing["message_id"],
                          TicketAction(action="reject", number=ticket.number).pack())
    answer = emulator.wait_for(lambda c: c["method"] == "answerCallbackQuery" and c["params"].get("text"))[-1]
    assert answer["params"].get("show_alert") in (True, "true", "True")
    assert not emulator.texts_for(sqlite_org.bob.telegram_id)[-1].startswith("Почему")
    assert Ticket.get_by_id(ticket.id).status == "new"
