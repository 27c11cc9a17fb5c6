"""A new admin connects 1C in a real browser, maps, syncs; a branch user then sees 1C's balance while ordering.

The server is a real `helpdesk serve --demo` pointed at the fake 1C by HELPDESK_ONEC_*; the 1C page is
checked for sideways scroll at 1366 and 390 px with its tables filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import LiveServer, admin_log_in, log_in, serve_demo
from tests.browser.test_layout import OVERFLOW
from tests.support.fake_onec import FakeData, FakeOneC


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOneC]:
    data = FakeData()
    main = data.add_warehouse("Основной склад")
    data.add_warehouse("Склад Санкт-Петербург")
    toner = data.add_item("Картридж HP 85A (CE285A) оригинальный, чёрный", article="CE285A")
    data.add_item("Картридж HP 59A", article="CF259A")
    for n in range(30):
        data.add_item(f"Бумага офисная А4, пачка {n}", article=f"A4-{n:03d}")
    data.balances[(main, toner)] = 15.0
    with FakeOneC(data) as server:
        yield server


@pytest.fixture(scope="module")
def onec_server(tmp_path_factory: pytest.TempPathFactory, fake: FakeOneC) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("onec") / "data"
    env = {"HELPDESK_ONEC_URL": fake.url, "HELPDESK_ONEC_USER": fake.user, "HELPDESK_ONEC_PASSWORD": fake.password}
    with serve_demo(data_dir, env) as (url, log):
        password = re.search(r"with password (\S+)", log.read_text()).group(1)
        yield LiveServer(url, password, data_dir)


def _no_overflow(page: Page) -> list[str]:
    failures = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        found = page.evaluate(OVERFLOW)
        if found["page"] > 0 or found["boxes"]:
            failures.append(f"@{width}: page +{found['page']}px {found['boxes']}")
    return failures


def test_connect_map_sync_then_order(browser: Browser, onec_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ru-RU")
    page = context.new_page()
    admin_log_in(page, onec_server)
    page.goto(f"{onec_server.url}/settings/onec")
    page.click("text=Проверить подключение")
    assert "ТоварыНаСкладах" in page.inner_text("#onec-check")

    page.click("text=Прочитать номенклатуру 1С")
    page.click("button:has-text('Это: Картридж HP 85A (CE285A)')")
    row = page.locator("#warehouses tr", has_text="Центральный склад")
    row.locator("select").select_option(label="Основной склад")
    row.locator("button").click()
    page.click("text=Синхронизировать сейчас")
    assert page.get_attribute("#onec-state", "data-state") == "ok"
    assert not _no_overflow(page), _no_overflow(page)
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    log_in(page, onec_server, "anna", "demo-password")
    page.goto(f"{onec_server.url}/requests/new")
    line = page.locator("label.qty", has_text="HP 85A (CE285A)").inner_text()
    assert "в наличии: 15 · по данным 1С на" in line
    context.close()
