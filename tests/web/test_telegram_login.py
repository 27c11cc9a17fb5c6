""""Log in with Telegram": a one-time code or link from the bot, delivered through the outbox."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import Settings, load_settings
from helpdesk.core import outbox, telegram_login
from helpdesk.core.errors import Forbidden
from helpdesk.db.models import AuditEvent, LoginCode, User
from helpdesk.tasks.jobs import build_transports, close_transports
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator
from tests.web.conftest import csrf_token


@pytest.fixture
def settings(sqlite_db: str, tmp_path: Path, emulator: BotApiEmulator) -> Settings:
    return load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ={
        "HELPDESK_BOT_TOKEN": emulator.token, "HELPDESK_TELEGRAM_API_URL": emulator.base_url})


@pytest.fixture
def client(sqlite_org: Org, settings: Settings) -> Iterator[TestClient]:
    services = runtime.build_services(settings, with_queue=False)
    with TestClient(app=runtime.build_app(services)) as test_client:
        deadline = time.monotonic() + 20
        while services.bot.state == "starting" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert services.bot.state == "running", services.bot.error
        yield test_client


def _code_sent_to(user: User, emulator: BotApiEmulator, settings: Settings) -> tuple[str, str]:
    """Deliver the outbox (the queue's job) and read the code and link the user got in Telegram."""
    transports = build_transports(settings)
    try:
        outbox.deliver_due(transports)
    finally:  # its aiohttp session, or Python warns of an unclosed session at exit
        close_transports(transports)
        assert transports["telegram"].wait_closed()
    text = emulator.wait_for_message(user.telegram_id)[-1]["params"]["text"]
    code = re.search(r"\b(\d{6})\b", text)
    link = re.search(r"(http\S+/login/telegram/link/\S+)", text)
    assert code and link, text
    return code.group(1), link.group(1)


def test_a_code_from_the_bot_logs_in(client: TestClient, sqlite_org: Org, emulator: BotApiEmulator,
                                     settings: Settings) -> None:
    bob = sqlite_org.bob
    User.update(telegram_username="Bob_B1").where(User.id == bob.id).execute()
    login_page = client.get("/login").text
    assert 'href="/login/telegram' in login_page
    token = csrf_token(client, "/login/telegram")
    sent = client.post("/login/telegram", data={"identifier": "@bob_b1", "next": "/requests", "_csrf_token": token},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/login/telegram/code")
    code, _ = _code_sent_to(bob, emulator, settings)
    assert LoginCode.get().code_hash != code, "stored hashed"

    wrong = client.post("/login/telegram/code", data={"code": f"{(int(code) + 1) % 1_000_000:06d}",
                                                      "_csrf_token": token})
    assert wrong.status_code == 401 and "неверный или устарел" in wrong.text
    ok = client.post("/login/telegram/code", data={"code": code, "next": "/requests", "_csrf_token": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/requests"
    assert client.get("/requests").status_code == 200
    assert AuditEvent.get(AuditEvent.action == "login_telegram").actor_id == bob.id
    again = client.post("/login/telegram/code", data={"code": code, "_csrf_token": token})
    assert again.status_code == 401, "a code works once"


def test_unknown_accounts_look_the_same_and_guessing_ends_the_code(client: TestClient, sqlite_org: Org,
                                                                   emulator: BotApiEmulator,
                                                                   settings: Settings) -> None:
    token = csrf_token(client, "/login/telegram")
    unknown = client.post("/login/telegram", data={"identifier": "nobody_here", "_csrf_token": token},
                          follow_redirects=False)
    assert unknown.status_code == 303 and unknown.headers["location"].startswith("/login/telegram/code")
    assert LoginCode.select().count() == 0 and outbox.pending_count() == 0
    assert client.post("/login/telegram/code", data={"code": "000000", "_csrf_token": token}).status_code == 401

    client.post("/login/telegram", data={"identifier": str(sqlite_org.carl.telegram_id), "_csrf_token": token})
    code, _ = _code_sent_to(sqlite_org.carl, emulator, settings)
    for guess in range(telegram_login.MAX_ATTEMPTS):
        wrong = f"{(int(code) + guess + 1) % 1_000_000:06d}"
        assert client.post("/login/telegram/code", data={"code": wrong, "_csrf_token": token}).status_code == 401
    late = client.post("/login/telegram/code", data={"code": code, "_csrf_token": token})
    assert late.status_code == 401, "five wrong guesses end the code"
    assert client.get("/requests", follow_redirects=False).status_code in (302, 303)


def test_the_link_asks_before_it_logs_in_and_expires(client: TestClient, sqlite_org: Org, emulator: BotApiEmulator,
                                                     settings: Settings) -> None:
    token = csrf_token(client, "/login/telegram")
    client.post("/login/telegram", data={"identifier": str(sqlite_org.sam.telegram_id), "_csrf_token": token})
    _, link = _code_sent_to(sqlite_org.sam, emulator, settings)
    path = link[link.index("/login/telegram/link/"):]
    preview = client.get(path)
    assert preview.status_code == 200 and LoginCode.get().used_at is None, "a link preview must not use it up"
    used = client.post(path, data={"_csrf_token": token}, follow_redirects=False)
    assert used.status_code == 303 and client.get("/stock").status_code == 200

    with pytest.raises(Forbidden):
        telegram_login.check_link(path.rsplit("/", 1)[1], None)
    # A code asked for now is dead eleven minutes later.
    challenge = telegram_login.send_code(str(sqlite_org.dan.telegram_id), "http://panel", "browser key")
    assert challenge is not None
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=11)
    with pytest.raises(Forbidden):
        telegram_login.check_code(challenge, "123456", now=later)


def test_no_bot_no_codes(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ={})
    with TestClient(app=runtime.build_app(runtime.build_services(settings, with_queue=False))) as client:
        page = client.get("/login/telegram")
        assert "бот выключен" in page.text
        token = csrf_token(client, "/login")
        refused = client.post("/login/telegram", data={"identifier": "bob", "_csrf_token": token})
        assert refused.status_code == 503 and LoginCode.select().count() == 0


def test_the_link_goes_to_the_configured_panel_whatever_the_host_header(
        client: TestClient, sqlite_org: Org, emulator: BotApiEmulator, settings: Settings) -> None:
    assert settings.panel_url.startswith("http://") and settings.panel_url.endswith(":8080")
    token = csrf_token(client, "/login/telegram")
    sent = client.post("/login/telegram", data={"identifier": str(sqlite_org.bob.telegram_id), "_csrf_token": token},
                       headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}, follow_redirects=False)
    assert sent.status_code == 303
    _, link = _code_sent_to(sqlite_org.bob, emulator, settings)
    assert link.startswith(f"{settings.panel_url}/login/telegram/link/") and "evil" not in link


def test_a_link_opened_in_another_browser_is_refused_and_the_code_still_works(
        client: TestClient, sqlite_org: Org, emulator: BotApiEmulator, settings: Settings) -> None:
    token = csrf_token(client, "/login/telegram")
    client.post("/login/telegram", data={"identifier": str(sqlite_org.bob.telegram_id), "_csrf_token": token})
    code, link = _code_sent_to(sqlite_org.bob, emulator, settings)
    path = link[link.index("/login/telegram/link/"):]
    # The phone's browser, or whoever got hold of the link: another cookie jar on the running app (a
    # second `with TestClient` would run the app's startup again: a second bot poller and its session).
    other = TestClient(app=client.app)
    shown = other.get(path)
    assert shown.status_code == 403 and "только в том браузере" in shown.text
    replay = other.post(path, data={"_csrf_token": csrf_token(other, "/login/telegram")}, follow_redirects=False)
    assert replay.status_code == 401 and "только в том браузере" in replay.text
    assert other.get("/requests", follow_redirects=False).status_code == 303
    assert LoginCode.get().used_at is None, "a refused link is not used up"
    ok = client.post("/login/telegram/code", data={"code": code, "_csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and client.get("/requests").status_code == 200


def test_a_flooding_address_gets_no_more_codes(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.core import throttle

    for _ in range(throttle.ADDRESS_LIMIT):
        throttle.address_attempt("testclient")
    response = client.post("/login/telegram", data={"identifier": "bob", "_csrf_token": csrf_token(client)},
                           follow_redirects=False)
    assert response.status_code == 429 and "retry-after" in response.headers
    assert not LoginCode.select().exists()
