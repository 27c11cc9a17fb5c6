"""The move to PostgreSQL as an admin lives it, on the benchmark data: the panel's Migrate button, the bar
watched in a browser, the bot and the API before, during and after, then a second instance that joins and
outlives the first.

    .venv/bin/python bench/move_walk.py [--size 100k] [--cache-dir /tmp/helpdesk-bench-cache] [--keep DIR]

Runs the real program (`python -m helpdesk serve`, or HELPDESK_TEST_COMMAND) on a copy of the cached SQLite
dataset (bench/_dataset.py) with the Bot API emulator, into a fresh PostgreSQL database; Chromium headless
clicks. Prints the move's time as the admin sees it (click to "done"), samples of the bar, and every check;
exits non-zero when one fails. Screenshots go to the work folder (--keep keeps it).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _common  # noqa: F401 - puts the repository on sys.path
import _dataset
import httpx
import psycopg
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.conftest import check_move_target
from tests.support.botapi import BotApiEmulator
from tests.support.postgres import free_port, get_pg_server
from tests.test_process import COMMAND, Server, _env, _instance, _kill_group, _wait_leader

ADMIN, ADMIN_PASSWORD, NEW_PASSWORD = "walker", "Walk-pass-2026", "Walk-pass-2027"
ACCESS = "Запрос на доступ отправлен"  # the bot's answer to a stranger's /start
COUNTED = ("ticket", "comment", "order_line", "attachment", "audit_event", "user")

started = time.monotonic()


def say(*parts: object) -> None:
    print(f"[{time.monotonic() - started:6.1f}s]", *parts, flush=True)


def cli(data: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([*COMMAND, *args, "--data-dir", str(data)], input=stdin, capture_output=True, text=True,
                          env=env, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed: {done.stderr}")
    return done.stdout


def create(url: str, headers: dict[str, str], text: str) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/requests", headers=headers, json={"type": "repair", "description": text},
                      timeout=30)


def log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", ADMIN)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/password"):  # a password set on the command line is changed at the first login
        page.fill("input[name=new_password]", NEW_PASSWORD)
        page.fill("input[name=repeat_password]", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()


def bar_text(page: Page) -> str:
    bar = page.locator("#move-progress")
    return bar.inner_text().replace("\n", " | ")[:160] if bar.count() else "(no bar)"


def move_in_browser(url: str, target: str, work: Path, during: callable) -> tuple[float, list[tuple[float, str]]]:
    """Migrate clicked as an admin; `during` runs once the move started. Returns its time and the bar's samples."""
    samples: list[tuple[float, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        log_in(page, url)
        check_move_target(page, url, target)
        say("check:", page.locator("#move-check").inner_text().replace("\n", " | "))
        page.click("button[formaction='/settings/database/move']")
        clicked = time.monotonic()
        during()
        reloaded = False
        while not page.locator("#move-done").is_visible():
            samples.append((time.monotonic() - clicked, bar_text(page)))
            if not reloaded and time.monotonic() - clicked > 3:
                page.screenshot(path=str(work / "move-progress.png"), full_page=True)
                page.reload()  # the state is the server's: the bar goes on after a reload
                reloaded = True
            if time.monotonic() - clicked > 1800:
                raise SystemExit("the move did not finish in 30 minutes")
            time.sleep(0.5)
        took = time.monotonic() - clicked
        samples.append((took, bar_text(page)))
        page.screenshot(path=str(work / "move-done.png"), full_page=True)
        page.goto(f"{url}/requests")
        expect(page.locator("table")).to_be_visible()
        say("panel on PostgreSQL: the requests list shows", page.locator("table tbody tr").count(), "rows")
        browser.close()
    return took, samples


def counts(sqlite_file: Path | None = None, url: str | None = None) -> dict[str, int]:
    if sqlite_file is not None:
        with sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True) as conn:
            return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED}
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED}


def walk(size: int, cache_dir: Path, work: Path) -> None:
    data = work / "data"
    data.mkdir(parents=True)
    dataset = _dataset.prepare("sqlite", size, cache_dir, None)
    try:
        shutil.copyfile(dataset.url.removeprefix("sqlite:///"), data / "helpdesk.db")
    finally:
        dataset.cleanup()
    with sqlite3.connect(data / "helpdesk.db") as conn:
        branch = conn.execute("SELECT code FROM branch ORDER BY id LIMIT 1").fetchone()[0]
    pg = get_pg_server()
    if pg is None:
        raise SystemExit("no PostgreSQL server available")
    name = "hd_bench_move_walk"
    pg.drop_database(name)
    target = pg.create_database(name)
    with BotApiEmulator() as emulator:
        env = _env(emulator)
        cli(data, env, "user", "add", "Walker", "--role", "admin", "--username", ADMIN, "--password-stdin",
            stdin=ADMIN_PASSWORD + "\n")
        cli(data, env, "user", "add", "Bob", "--role", "branch", "--branch", branch, "--username", "bob_walk",
            "--password-stdin", stdin="Bob-pass-2026\n")
        token = re.search(r"\b([A-Za-z0-9_\-]{30,})\b", cli(data, env, "token", "create", "bob_walk", "walk")).group(1)
        api = {"Authorization": f"Bearer {token}"}
        first = Server(data, free_port(), env)
        second: Server | None = None
        try:
            first.wait_healthy(120)
            _wait_leader(first, 60)
            before = create(first.url, api, "До переезда: принтер мнёт бумагу")
            assert before.status_code == 201, before.text
            emulator.user_sends(900001, "/start", first_name="До")
            emulator.wait_for_message(900001, contains=ACCESS, timeout=30)
            source = counts(sqlite_file=data / "helpdesk.db")
            say("on SQLite: API created", before.json()["number"], "; the bot answers; rows", source)

            chats = [900100 + n for n in range(5)]
            refused: list[int] = []

            def during() -> None:
                def bot() -> None:
                    for chat in chats:
                        emulator.user_sends(chat, "/start", first_name=f"Во время {chat}")
                        time.sleep(0.5)
                threading.Thread(target=bot, daemon=True).start()
                refused.append(create(first.url, api, "во время переезда").status_code)

            took, samples = move_in_browser(first.url, target, work, during)
            say(f"moved in {took:.1f} s as the admin saw it (click to done); the API said {refused} meanwhile")
            step = max(1, len(samples) // 20)
            for at, text in samples[::step] + samples[-1:]:
                print(f"    {at:6.1f}s  {text}")
            health = httpx.get(f"{first.url}/healthz").json()
            assert health["database"]["engine"] == "postgresql", health
            assert health["instance"] == {**health["instance"], "leader": True, "shared": True}, health
            for chat in chats:  # the updates sent during the move waited in Telegram
                emulator.wait_for_message(chat, contains=ACCESS, timeout=60)
            moved = counts(url=target)
            assert all(moved[t] >= source[t] for t in COUNTED), (source, moved)
            after = create(first.url, api, "После переезда")
            assert after.status_code == 201, after.text
            say("on PostgreSQL: rows", moved, "; API created", after.json()["number"],
                "; the bot answered the 5 updates sent during the move")

            second = Server(data, free_port(), env)
            second.wait_healthy(120)
            assert _instance(second)["instance"]["leader"] is False, _instance(second)
            _kill_group(first.proc)
            took_over = _wait_leader(second, 30)
            emulator.user_sends(900200, "/start", first_name="После")
            emulator.wait_for_message(900200, contains=ACCESS, timeout=30)
            last = create(second.url, api, "На втором")
            assert last.status_code == 201, last.text
            answers = {chat: sum(ACCESS in t for t in emulator.texts_for(chat)) for chat in [900001, *chats, 900200]}
            assert set(answers.values()) == {1}, answers
            say(f"a second instance joined as standby; kill -9 of the first: it led after {took_over:.1f} s, "
                f"the bot answered, API created {last.json()['number']}; every update answered once")
        finally:
            for server in (first, second):
                if server is not None and server.proc.poll() is None:
                    _kill_group(server.proc)
            pg.drop_database(name)
    say("walk passed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="100k", help="requests in the generated database (e.g. 100k, 1M)")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/helpdesk-bench-cache"))
    parser.add_argument("--keep", type=Path, help="work folder to keep (logs, screenshots)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="helpdesk-move-walk-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        walk(_dataset.parse_size(args.size), args.cache_dir, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
