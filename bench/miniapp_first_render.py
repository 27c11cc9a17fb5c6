"""The Mini App's first render on a throttled phone: time to an interactive catalog, bytes on first load.

    python bench/miniapp_first_render.py [--runs 5] [--cpu 4]

Runs `helpdesk serve --demo` with the bot on the Bot API emulator, opens /miniapp/ in headless Chromium at
390 px with CPU x4 slowdown (CDP Emulation.setCPUThrottlingRate) and a cold cache per run, Telegram's script
routed to the test stub carrying signed initData. "Interactive": the catalog's first card with its + button
is in the page (performance.now() from navigation start). Bytes: encoded bytes of every response but
telegram.org's script (not ours, and cached by Telegram's clients).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl

from _common import clean_env, percentiles, start_server, stop_server, wait_up
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM  # noqa: E402
from tests.browser.test_miniapp import LIGHT, SCRIPT, STUB  # noqa: E402
from tests.miniapp.signing import TOKEN, init_data  # noqa: E402
from tests.support.botapi import BotApiEmulator  # noqa: E402
from tests.support.postgres import free_port  # noqa: E402

ANNA = 7001


def one_run(browser, url: str, cpu: float) -> tuple[float, int, int]:  # noqa: ANN001 - a Playwright Browser
    signed = init_data(ANNA)
    stub = (STUB.replace("INIT", json.dumps(signed))
            .replace("UNSAFE", json.dumps({"user": json.loads(dict(parse_qsl(signed))["user"])}))
            .replace("THEME", json.dumps(LIGHT)).replace("SCHEME", json.dumps("light")))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route(SCRIPT, lambda route: route.fulfill(body=stub, content_type="application/javascript"))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(f"{url}/miniapp/")
    page.wait_for_selector(".card .add", timeout=60_000)
    interactive = page.evaluate("performance.now()")
    page.wait_for_load_state("networkidle")
    ours = {rid: size for rid, size in sizes.items() if not urls.get(rid, "").startswith("https://telegram.org")}
    context.close()
    return interactive, sum(ours.values()), len(ours)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", type=float, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-miniapp-bench-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with BotApiEmulator(token=TOKEN) as emulator:
        env = clean_env(HELPDESK_BOT_TOKEN=TOKEN, HELPDESK_TELEGRAM_API_URL=emulator.base_url)
        proc = start_server(folder / "data", port, env=env, demo=True, log=folder / "serve.log", cwd=folder)
        try:
            wait_up(f"{url}/healthz", attempts=600)
            with sqlite3.connect(folder / "data" / "helpdesk.db") as conn:
                conn.execute("UPDATE user SET telegram_id = ? WHERE username = 'anna'", (ANNA,))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                one_run(browser, url, args.cpu)  # warm-up: the server's first Mini App call loads aiogram's helper
                results = [one_run(browser, url, args.cpu) for _ in range(args.runs)]
                browser.close()
        finally:
            stop_server(proc)
    median, p95 = percentiles([r[0] for r in results])
    print(f"Mini App first render, 390 px, CPU x{args.cpu:g}, cold cache, {args.runs} runs")
    print(f"  time to interactive catalog: median {median:.0f} ms, p95 {p95:.0f} ms")
    print(f"  bytes on first load (ours, encoded): {results[-1][1]:,} in {results[-1][2]} responses "
          f"(Telegram's script excluded)")


if __name__ == "__main__":
    main()
