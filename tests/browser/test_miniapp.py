"""The Mini App in headless Chromium at phone width, as Telegram opens it, against a real `helpdesk serve`.

telegram.org is unreachable here: its script's URL is routed to a stub `Telegram.WebApp` that carries initData
signed with the server's bot token and records MainButton / BackButton / haptic calls. The bot polls the Bot
API emulator, so the storekeeper's notice is really delivered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serve_demo, shot
from tests.miniapp.signing import TOKEN, headers, init_data
from tests.support.botapi import BotApiEmulator

SCRIPT = "https://telegram.org/js/telegram-web-app.js"
ANNA, STORE = 7001, 7002  # Telegram ids given to the demo's branch user and storekeeper
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579", "link_color": "#3390ec",
         "button_color": "#3390ec", "button_text_color": "#ffffff", "secondary_bg_color": "#f4f4f5",
         "destructive_text_color": "#e53935"}
DARK = {"bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa", "link_color": "#8774e1",
        "button_color": "#8774e1", "button_text_color": "#ffffff", "secondary_bg_color": "#181818",
        "destructive_text_color": "#ff595a"}
STUB = """(() => {
  const calls = window.__tg = [];
  const rec = (name) => (...args) => { calls.push([name, ...args]); };
  const button = (name) => ({ text: "", isVisible: false, isActive: true, cbs: [],
    setParams(p) { calls.push([name + ".setParams", p]); if ("text" in p) this.text = p.text;
      if ("is_visible" in p) this.isVisible = p.is_visible; if ("is_active" in p) this.isActive = p.is_active; return this; },
    show() { calls.push([name + ".show"]); this.isVisible = true; return this; },
    hide() { calls.push([name + ".hide"]); this.isVisible = false; return this; },
    onClick(cb) { this.cbs.push(cb); return this; }, offClick(cb) { this.cbs = this.cbs.filter((c) => c !== cb); return this; },
    showProgress() { calls.push([name + ".showProgress"]); return this; }, hideProgress() { calls.push([name + ".hideProgress"]); return this; },
    press() { this.cbs.forEach((cb) => cb()); } });
  const events = {};
  window.Telegram = { WebApp: { initData: INIT, initDataUnsafe: UNSAFE, themeParams: THEME, colorScheme: SCHEME,
    MainButton: button("MainButton"), BackButton: button("BackButton"),
    HapticFeedback: { impactOccurred: rec("haptic.impact"), notificationOccurred: rec("haptic.notification"),
                      selectionChanged: rec("haptic.selection") },
    ready: rec("ready"), expand: rec("expand"),
    onEvent(name, cb) { (events[name] = events[name] || []).push(cb); }, emit(name) { (events[name] || []).forEach((cb) => cb()); },
    showConfirm(text, cb) { calls.push(["showConfirm", text]); setTimeout(() => cb(true), 0); } } };
})();"""


@dataclass
class Server:
    url: str
    db: Path
    emulator: BotApiEmulator


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("miniapp") / "data"
    with BotApiEmulator(token=TOKEN) as emulator, serve_demo(
            data_dir, {"HELPDESK_BOT_TOKEN": TOKEN, "HELPDESK_TELEGRAM_API_URL": emulator.base_url}) as (url, _):
        db = data_dir / "helpdesk.db"
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE user SET telegram_id = ? WHERE username = 'anna'", (ANNA,))
            conn.execute("UPDATE user SET telegram_id = ? WHERE username = 'store'", (STORE,))
        # The first Mini App call loads aiogram's helper (seconds on a busy machine): not inside a test's wait.
        httpx.get(f"{url}/miniapp/api/me", headers=headers(ANNA), timeout=120).raise_for_status()
        yield Server(url, db, emulator)


def _query(server: Server, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(server.db) as conn:
        return conn.execute(sql, args).fetchall()


def _open(browser: Browser, server: Server, signed: str | None, theme: str = "light") -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    unsafe = {"user": json.loads(dict(parse_qsl(signed))["user"])} if signed else {}
    stub = (STUB.replace("INIT", json.dumps(signed or "")).replace("UNSAFE", json.dumps(unsafe))
            .replace("THEME", json.dumps(DARK if theme == "dark" else LIGHT)).replace("SCHEME", json.dumps(theme)))
    context.route(SCRIPT, lambda route: route.fulfill(body=stub, content_type="application/javascript"))
    page = context.new_page()
    page.on("console", lambda message: print("console:", message.text))
    page.on("pageerror", lambda error: print("pageerror:", error))
    page.goto(f"{server.url}/miniapp/")
    return page


def _calls(page: Page) -> list[str]:
    return [call[0] for call in page.evaluate("window.__tg")]


def _main_button(page: Page) -> dict:
    return page.evaluate("({text: Telegram.WebApp.MainButton.text, visible: Telegram.WebApp.MainButton.isVisible,"
                         " active: Telegram.WebApp.MainButton.isActive})")


def test_branch_orders_two_models_and_cancels(browser: Browser, server: Server) -> None:
    page = _open(browser, server, init_data(ANNA))
    expect(page.locator(".card").first).to_be_visible()
    assert {"ready", "expand"} <= set(_calls(page))
    assert not _main_button(page)["visible"]  # nothing to send yet
    page.locator(".card .add").nth(0).click()
    page.locator(".card .plus").first.click()
    page.locator(".card .add").first.click()  # the second model
    assert _calls(page).count("haptic.impact") == 3
    assert _main_button(page)["visible"] and "(3)" in _main_button(page)["text"]
    shot(page, "miniapp-catalog-light")
    page.evaluate("Telegram.WebApp.MainButton.press()")
    expect(page.locator("textarea")).to_be_visible()
    assert "BackButton.show" in _calls(page)
    page.fill("textarea", "Для приёмной")
    shot(page, "miniapp-cart-light")
    before = _query(server, "SELECT count(*) FROM ticket")[0][0]
    page.evaluate("Telegram.WebApp.MainButton.press()")
    expect(page.locator("#notice")).to_contain_text("отправлена на склад")
    number = page.locator("h1").inner_text()
    assert {"MainButton.showProgress", "MainButton.hideProgress", "haptic.notification"} <= set(_calls(page))
    assert _query(server, "SELECT count(*) FROM ticket")[0][0] == before + 1
    rows = _query(server, "SELECT t.channel, t.description, count(l.id) FROM ticket t JOIN order_line l "
                          "ON l.ticket_id = t.id WHERE t.number = ?", number)
    assert rows == [("miniapp", "Для приёмной", 2)]
    server.emulator.wait_for_message(STORE, contains=number, timeout=30)  # the storekeeper is told in Telegram

    page.locator("#tabs button[data-screen=requests]").click()
    page.locator(f"li[data-number='{number}']").click()
    page.locator("[data-action=cancel]").click()
    expect(page.locator("#status")).to_have_text("Отменена")
    assert "showConfirm" in _calls(page)
    assert _query(server, "SELECT status FROM ticket WHERE number = ?", number) == [("cancelled",)]
    page.evaluate("Telegram.WebApp.BackButton.press()")
    expect(page.locator(f"li[data-number='{number}']")).to_be_visible()
    page.context.close()


def test_tampered_init_data_is_refused_and_creates_nothing(browser: Browser, server: Server) -> None:
    fields = dict(parse_qsl(init_data(ANNA)))
    fields["user"] = fields["user"].replace(str(ANNA), str(STORE))
    before = _query(server, "SELECT count(*) FROM ticket")[0][0]
    page = _open(browser, server, urlencode(fields))
    expect(page.locator("h1")).to_contain_text("не прошли проверку")
    assert page.locator(".card").count() == 0
    response = httpx.post(f"{server.url}/miniapp/api/orders", json={"lines": [{"cartridge_id": 1, "quantity": 1}]},
                          headers={"Authorization": f"tma {urlencode(fields)}"}, timeout=60)
    assert response.status_code == 401
    assert _query(server, "SELECT count(*) FROM ticket")[0][0] == before
    page.context.close()


def test_outside_telegram_the_page_says_so(browser: Browser, server: Server) -> None:
    page = _open(browser, server, None)
    expect(page.locator("h1")).to_have_text("Откройте это приложение из бота в Telegram.")
    page.context.close()


def test_storekeeper_accepts_from_the_app(browser: Browser, server: Server) -> None:
    anna = headers(ANNA)
    offers = httpx.get(f"{server.url}/miniapp/api/catalog", headers=anna, timeout=30).json()["items"]
    lines = [{"cartridge_id": o["id"], "quantity": 1} for o in offers[:3]]
    number = httpx.post(f"{server.url}/miniapp/api/orders", json={"lines": lines}, headers=anna).json()["number"]
    page = _open(browser, server, init_data(STORE), theme="dark")
    expect(page.locator(f"li[data-number='{number}']")).to_be_visible()
    shot(page, "miniapp-queue-dark")
    page.locator(f"li[data-number='{number}']").click()
    page.locator("[data-action=accept]").click()
    expect(page.locator("#status")).to_have_text("Принята")
    shot(page, "miniapp-request-dark")
    assert httpx.get(f"{server.url}/miniapp/api/requests/{number}", headers=anna).json()["status"] == "accepted"
    page.evaluate("Object.assign(Telegram.WebApp.themeParams, {bg_color: '#ffffff'}); Telegram.WebApp.emit('themeChanged')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.context.close()
