"""Settings (admins): organisation, a bot token that takes effect without a restart, SLA, calendar."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import org_settings, sla
from helpdesk.db.models import AuditEvent, Holiday, Setting, SlaPolicy, TicketType
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator
from tests.web.conftest import csrf_token, login

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


@pytest.fixture
def emulator() -> Iterator[BotApiEmulator]:
    with BotApiEmulator(token=TOKEN, username="branch_help_bot") as emu:
        yield emu


@pytest.fixture
def bot_client(sqlite_org: Org, sqlite_db: str, tmp_path: Path, emulator: BotApiEmulator) -> Iterator[TestClient]:
    """The app started with no HELPDESK_BOT_TOKEN, pointed at the emulator as its Bot API."""
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db},
                             environ={"HELPDESK_TELEGRAM_API_URL": emulator.base_url})
    services = runtime.build_services(settings, with_queue=False)
    with TestClient(app=runtime.build_app(services)) as test_client:
        yield test_client


def _bot_state(client: TestClient, wanted: str, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        bot = client.get("/healthz").json()["bot"]
        if bot["state"] == wanted or time.monotonic() > deadline:
            return bot
        time.sleep(0.1)


def test_settings_are_for_admins(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    assert client.get("/settings").status_code == 403
    token = csrf_token(client, "/requests")
    refused = client.post("/settings/general", data={"org_name": "X", "timezone": "UTC", "_csrf_token": token})
    assert refused.status_code == 403
    assert org_settings.general().org_name == ""


def test_a_bot_token_saved_in_the_panel_starts_the_bot_at_once(bot_client: TestClient, sqlite_org: Org,
                                                               emulator: BotApiEmulator) -> None:
    client = bot_client
    login(client, sqlite_org.alice)
    assert _bot_state(client, "off")["state"] == "off"
    page = client.get("/settings")
    assert page.status_code == 200 and "не задан" in page.text
    token = csrf_token(client, "/settings")

    bad = client.post("/settings/bot", data={"bot_token": "hello", "action": "save", "_csrf_token": token})
    assert bad.status_code == 422 and "не похоже на токен" in bad.text
    wrong = client.post("/settings/bot", data={"bot_token": TOKEN.replace("AAH", "AAX"), "action": "check",
                                               "_csrf_token": token})
    assert "Telegram не принимает этот токен" in wrong.text
    checked = client.post("/settings/bot", data={"bot_token": TOKEN, "action": "check", "_csrf_token": token})
    assert "@branch_help_bot" in checked.text
    assert not org_settings.has_stored_bot_token(), "checking saves nothing"

    saved = client.post("/settings/bot", data={"bot_token": TOKEN, "action": "save", "_csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    bot = _bot_state(client, "running")
    assert bot == {"state": "running", "username": "branch_help_bot"}
    stored = Setting.get_by_id(org_settings.BOT_TOKEN_KEY).value
    assert TOKEN not in str(stored) and TOKEN.split(":")[1] not in str(stored), "stored sealed, not in clear"
    page = client.get("/settings").text
    assert TOKEN not in page and "123456789" in page, "write-only: the page names the bot, never the token"
    event = AuditEvent.get(AuditEvent.action == "bot_token_set")
    assert event.actor_id == sqlite_org.alice.id and TOKEN.split(":")[1] not in str(event.after)

    emulator.user_sends(sqlite_org.bob.telegram_id, "/help")
    assert emulator.wait_for_message(sqlite_org.bob.telegram_id), "the restarted poller answers users"

    cleared = client.post("/settings/bot", data={"action": "clear", "_csrf_token": token}, follow_redirects=False)
    assert cleared.status_code == 303
    assert _bot_state(client, "off")["state"] == "off"
    assert not org_settings.has_stored_bot_token()


def test_organisation_language_and_time_zone(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/settings")
    bad = client.post("/settings/general", data={"org_name": "ООО Ромашка", "language": "", "timezone": "Mars/Base",
                                                 "_csrf_token": token})
    assert bad.status_code == 422 and "Неизвестный часовой пояс" in bad.text and "ООО Ромашка" in bad.text
    ok = client.post("/settings/general", data={"org_name": "ООО Ромашка", "language": "en",
                                                "timezone": "Asia/Yekaterinburg", "_csrf_token": token},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert org_settings.general() == org_settings.General("ООО Ромашка", "en", "Asia/Yekaterinburg")
    assert str(sla.load_calendar().timezone) == "Asia/Yekaterinburg"
    event = AuditEvent.get(AuditEvent.action == "settings_save")
    assert event.after == {"org_name": "ООО Ромашка", "language": "en", "timezone": "Asia/Yekaterinburg"}
    client.post("/logout", data={"_csrf_token": token})
    assert "Log in" in client.get("/login").text, "the default language now applies to the login page"


def test_sla_and_business_calendar(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/settings")
    repair = TicketType.get(TicketType.code == "repair")
    form = {f"{kind}_{row.ticket_type.id}": str(minutes) for row in org_settings.sla_rows()
            for kind, minutes in (("accept", row.accept_minutes), ("resolve", row.resolve_minutes),
                                  ("escalate", row.escalate_minutes))}
    bad = client.post("/settings/sla", data={**form, f"accept_{repair.id}": "abc", "_csrf_token": token})
    assert bad.status_code == 422 and "целое число минут" in bad.text
    client.post("/settings/sla", data={**form, f"accept_{repair.id}": "30", f"resolve_{repair.id}": "600",
                                       "_csrf_token": token})
    policy = SlaPolicy.get(SlaPolicy.ticket_type == repair.id)
    assert (policy.accept_minutes, policy.resolve_minutes) == (30, 600)
    assert AuditEvent.select().where(AuditEvent.action == "sla_save").count() == 1, "only the changed type"

    none = client.post("/settings/calendar", data={"day_start": "09:00", "day_end": "18:00", "_csrf_token": token})
    assert none.status_code == 422 and "хотя бы один рабочий день" in none.text
    backwards = client.post("/settings/calendar", data={"work_day_1": "on", "day_start": "18:00",
                                                        "day_end": "09:00", "_csrf_token": token})
    assert backwards.status_code == 422
    days = {f"work_day_{d}": "on" for d in range(1, 7)}
    client.post("/settings/calendar", data={**days, "day_start": "08:30", "day_end": "17:00", "_csrf_token": token})
    calendar = sla.load_calendar()
    assert calendar.work_days == frozenset(range(1, 7)) and calendar.day_start.isoformat() == "08:30:00"

    client.post("/settings/holidays", data={"day": "2027-01-07", "name": "Рождество", "_csrf_token": token})
    holiday = Holiday.get()
    assert str(holiday.day) == "2027-01-07" and not sla.load_calendar().is_work_day(holiday.day)
    assert "Рождество" in client.get("/settings").text
    client.post(f"/settings/holidays/{holiday.id}/remove", data={"_csrf_token": token})
    assert Holiday.select().count() == 0
    assert {e.action for e in AuditEvent.select()} >= {"calendar_save", "holiday_add", "holiday_remove"}


def test_checking_a_malformed_token_says_so_and_keeps_it(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/settings")
    checked = client.post("/settings/bot", data={"bot_token": "hello there", "action": "check", "_csrf_token": token})
    assert "не похоже на токен" in checked.text and "недоступен" not in checked.text
    assert 'value="hello there"' in checked.text
    saved = client.post("/settings/bot", data={"bot_token": "hello there", "action": "save", "_csrf_token": token})
    assert saved.status_code == 422 and 'value="hello there"' in saved.text
    assert 'name="bot_token" type="password" autocomplete="new-password" spellcheck="false" placeholder="123456789:AA…" value=""' \
        in client.get("/settings").text, "a saved token is never shown"
