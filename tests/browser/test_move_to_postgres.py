"""An admin moves a running demo to PostgreSQL from the panel: the bar reaches 100%, the panel goes on
working on PostgreSQL, and the move is recorded for the next start."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, admin_log_in, check_move_target, serve_demo
from tests.support.postgres import get_pg_server


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    server = get_pg_server()
    assert server is not None
    name = f"hd_browser_move_{os.getpid()}"
    server.drop_database(name)
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture(scope="module")
def moving_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the move changes its database for good."""
    data_dir = tmp_path_factory.mktemp("move") / "data"
    with serve_demo(data_dir) as (url, log):
        password = re.search(r"with password (\S+)", log.read_text()).group(1)
        yield LiveServer(url, password, data_dir)


def test_the_move_from_the_panel(page: Page, moving_server: LiveServer, target: str) -> None:
    server = moving_server
    admin_log_in(page, server)
    check_move_target(page, server.url, target)
    expect(page.locator("input[name=password]")).to_have_value("")  # write-only
    page.click("button[formaction='/settings/database/move']")
    expect(page.locator("#move-done")).to_be_visible(timeout=30_000)
    assert page.locator("#move-progress progress").get_attribute("value") in ("100", "100.0") \
        or page.eval_on_selector("#move-progress progress", "p => p.value") == 100
    page.reload()  # the state is the server's: a reload shows the finished move
    expect(page.locator("#move-text")).to_contain_text("PostgreSQL")

    health = httpx.get(f"{server.url}/healthz").json()
    assert health["database"]["engine"] == "postgresql"
    # It leads by PostgreSQL's advisory lock now, as a second instance on this database will ask for it.
    assert health["instance"]["shared"] is True and health["instance"]["leader"] is True
    stored = json.loads((server.data_dir / "settings.json").read_text())
    assert stored["database_url"]["url"] == target
    assert (server.data_dir / "helpdesk.db").stat().st_mode & 0o222 == 0  # kept read-only as the fallback

    page.click("#move-done a")  # the panel works on PostgreSQL: read, then change something
    page.goto(f"{server.url}/requests")
    expect(page.locator("table")).to_be_visible()
    page.goto(f"{server.url}/settings")
    page.fill("input[name=org_name]", "После переезда")
    page.click("#general button.primary")
    expect(page.locator(".alert.ok")).to_be_visible()
    page.goto(f"{server.url}/audit")
    expect(page.locator("main")).to_contain_text("PostgreSQL")
