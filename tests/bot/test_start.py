"""The real aiogram poller against the Bot API emulator: /start with an invite, access requests, /help."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpdesk.bot.runner import BotRunner
from helpdesk.config import load_settings
from helpdesk.core import people
from helpdesk.core.actors import Actor
from helpdesk.db.models import AccessRequest, AuditEvent, OutboxMessage, User
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


def run_bot(emulator: BotApiEmulator, tmp_path: Path, scenario) -> None:  # noqa: ANN001 - async callable
    settings = load_settings({"data_dir": str(tmp_path)}, environ={
        "HELPDESK_BOT_TOKEN": emulator.token, "HELPDESK_TELEGRAM_API_URL": emulator.base_url})

    async def main() -> None:
        runner = BotRunner(settings)
        await runner.start()
        assert runner.state == "running", runner.error
        try:
            await asyncio.to_thread(scenario)
        finally:
            await runner.stop()

    asyncio.run(main())


def test_invite_binds_the_telegram_account(sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path) -> None:
    invite = people.create_invite(Actor.system("cli"), "branch", branch=sqlite_org.b2)

    def scenario() -> None:
        emulator.user_sends(5001, f"/start {invite.code}", first_name="Вера", language_code="ru")
        emulator.wait_for_message(5001, contains="Здравствуйте, Вера")
        emulator.user_sends(5002, f"/start {invite.code}", first_name="Late")
        emulator.wait_for_message(5002, contains="уже использовано")

    run_bot(emulator, tmp_path, scenario)
    user = User.get(User.telegram_id == 5001)
    assert (user.role, user.branch_id) == ("branch", sqlite_org.b2.id)
    assert User.get_or_none(User.telegram_id == 5002) is None
    created = AuditEvent.get((AuditEvent.action == "user_create") & (AuditEvent.entity_id == str(user.id)))
    assert created.after["via"] == f"invite {invite.id}" and created.channel == "bot"
    assert {c["command"] for c in emulator.commands[""]} == {"start", "my", "notifications", "cancel", "help"}


def test_stranger_gets_access_requested_and_nothing_else(sqlite_org: Org, emulator: BotApiEmulator,
                                                         tmp_path: Path) -> None:
    def scenario() -> None:
        emulator.user_sends(6001, "/start", first_name="Stranger", language_code="en")
        emulator.wait_for_message(6001, contains="Access requested")
        emulator.user_sends(6001, "give me cartridges", language_code="en")
        emulator.wait_for_message(6001, contains="You have no access yet")
        emulator.user_sends(6001, "/help", language_code="en")
        emulator.wait_for_message(6001, contains="This bot accepts requests")

    run_bot(emulator, tmp_path, scenario)
    request = AccessRequest.get(AccessRequest.telegram_id == 6001)
    assert request.status == "pending" and request.language == "en"
    assert OutboxMessage.select().where(OutboxMessage.kind == "access_requested").count() == 1


def test_bad_token_leaves_the_bot_in_error_not_crashing(sqlite_db: str, tmp_path: Path) -> None:
    with BotApiEmulator(token="999:RIGHT") as emu:
        settings = load_settings({"data_dir": str(tmp_path)}, environ={
            "HELPDESK_BOT_TOKEN": "999:WRONG", "HELPDESK_TELEGRAM_API_URL": emu.base_url})
        runner = BotRunner(settings)

        async def main() -> None:
            await runner.start()
            await runner.stop()

        asyncio.run(main())
    assert runner.state == "error" and "WRONG" not in runner.error
