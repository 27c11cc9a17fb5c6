"""One request walked through its life, seen by a branch user, a storekeeper and an admin in the panel
(HTML), the API (JSON) and the bot (through the Bot API emulator): each channel shows the history items
and the actions the domain decides, no more and no fewer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk.bot.callbacks import OpenTicket, TicketAction
from helpdesk.core import history, lifecycle, tickets
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.db.models import Ticket
from helpdesk.i18n import translate
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator
from tests.web.conftest import api_token, login

PERSONAS = ("bob", "sam", "alice")  # the author at a branch, the warehouse's storekeeper, an admin


@pytest.fixture
def bot(sqlite_org: Org, tmp_path: Path) -> Iterator[tuple[BotApiEmulator, BotHarness]]:
    with BotApiEmulator() as emulator, BotHarness(emulator, tmp_path / "bot") as harness:
        yield emulator, harness


def _panel(client: TestClient, org: Org, persona: str, number: str) -> tuple[list[str], list[str]]:
    client.cookies.clear()
    login(client, getattr(org, persona))
    page = client.get(f"/requests/{number}")
    assert page.status_code == 200
    return re.findall(r'data-history="([^"]+)"', page.text), re.findall(r'data-action="([^"]+)"', page.text)


def _api(client: TestClient, org: Org, persona: str, number: str) -> tuple[list[str], list[str]]:
    client.cookies.clear()
    body = client.get(f"/api/v1/requests/{number}", headers=api_token(org, persona)).json()
    return [item["action"] for item in body["history"]], body["allowed_actions"]


def _bot(emulator: BotApiEmulator, org: Org, persona: str, number: str) -> tuple[list[str], list[str]]:
    chat = getattr(org, persona).telegram_id
    seen = sum(1 for c in emulator.calls if c["method"] == "sendMessage" and c["ok"]
               and str(c["params"].get("chat_id")) == str(chat) and f"Заявка {number}" in c["params"]["text"])
    emulator.user_sends(chat, "/my")
    listing = emulator.wait_for_message(chat, count=1)[-1]["result"]
    emulator.user_presses(chat, listing["message_id"], OpenTicket(number=number).pack())
    card = emulator.wait_for_message(chat, contains=f"Заявка {number}", count=seen + 1)[-1]["result"]
    text = card["text"]
    lines = text.split("История:")[1].split("Комментарии:")[0].strip().splitlines()
    shown = [line.split(" — ", 1)[1].rsplit(" (", 1)[0] for line in lines]
    buttons = [TicketAction.unpack(b["callback_data"]).action
               for row in card.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    return shown, [a for a in buttons if a != "comment"]


def _bot_label(item: history.HistoryItem) -> str:
    label = translate(item.label, "ru")
    return f"{label} → {translate(STATUS_LABELS[item.status], 'ru')}" if item.status else label


def _agree(client: TestClient, emulator: BotApiEmulator, org: Org, number: str) -> dict[str, list[str]]:
    ticket = Ticket.get(Ticket.number == number)
    seen = {}
    for persona in PERSONAS:
        actor = org.actor(persona)
        items = history.for_request(actor, ticket)
        actions = lifecycle.allowed_actions(actor, ticket)
        expected = ([i.action for i in items], actions)
        assert _panel(client, org, persona, number) == expected, f"panel, {persona}"
        assert _api(client, org, persona, number) == expected, f"API, {persona}"
        assert _bot(emulator, org, persona, number) == ([_bot_label(i) for i in items], actions), f"bot, {persona}"
        seen[persona] = expected[0]
    return seen


def test_every_channel_shows_the_domains_history_and_actions(
        client: TestClient, bot: tuple[BotApiEmulator, BotHarness], sqlite_org: Org) -> None:
    emulator, _ = bot
    org = sqlite_org
    sam = org.actor("sam")
    ticket = tickets.create(org.actor("bob", "bot"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 2)]))
    ticket = lifecycle.transition(sam, ticket, "accept")
    tickets.add_comment(sam, ticket, "Will ship today")
    tickets.add_comment(sam, ticket, "Check the author's printer too", internal=True)

    seen = _agree(client, emulator, org, ticket.number)
    assert seen["bob"] == ["create", "accept", "comment"], "no internal note, nor its event, for a branch user"
    assert seen["sam"] == seen["alice"] == ["create", "accept", "comment", "note"]

    lifecycle.transition(sam, ticket, "resolve")
    seen = _agree(client, emulator, org, ticket.number)
    assert lifecycle.allowed_actions(org.actor("bob"), Ticket.get_by_id(ticket.id)) == ["confirm"]
