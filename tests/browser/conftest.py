"""Headless Chromium (Debian's, driven by Playwright) against a real `helpdesk serve --demo`."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.postgres import free_port

CHROMIUM = os.environ.get("HELPDESK_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class LiveServer:
    url: str
    admin_password: str
    data_dir: Path


@contextlib.contextmanager
def serve_demo(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """`helpdesk serve --demo` on a free loopback port, healthy, until the block ends: its URL and log."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")} | (env or {})
    log = data_dir.parent / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "helpdesk", "serve", "--demo", "--data-dir", str(data_dir),
                             "--port", str(port), "--host", "127.0.0.1"], stdout=log.open("w"),
                            stderr=subprocess.STDOUT, env=clean, cwd=data_dir.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, log
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other tests use asyncio
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("browser") / "data"
    with serve_demo(data_dir) as (url, log):
        password = re.search(r"with password (\S+)", log.read_text()).group(1)
        yield LiveServer(url, password, data_dir)


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other tests use asyncio
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True, locale="ru-RU")
    page = context.new_page()
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    """Screenshots of the main pages, kept as test artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


ADMIN_PASSWORD = "new admin password 1"


def admin_log_in(page: Page, server: LiveServer) -> None:
    """Log in as `admin`, doing the first-login password change if no test did it yet."""
    log_in(page, server, "admin", ADMIN_PASSWORD)
    if page.url.endswith("/login"):
        log_in(page, server, "admin", server.admin_password)
    if page.url.endswith("/password"):
        page.fill("input[name=new_password]", ADMIN_PASSWORD)
        page.fill("input[name=repeat_password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")


def check_move_target(page: Page, url: str, target: str) -> None:
    """Settings → Move to PostgreSQL, the target typed and tested: the page names the server's version."""
    page.goto(f"{url}/settings")
    page.click("#move-link")
    page.fill("input[name=dsn]", target)
    page.click("button[formaction='/settings/database/check']")
    expect(page.locator("#move-check")).to_contain_text("PostgreSQL 1")
