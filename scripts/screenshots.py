"""Screenshots of every panel page as admin, storekeeper and branch user at 1366 and 390 px.

    .venv/bin/python scripts/screenshots.py OUT_DIR [--lang ru|en]

Runs `helpdesk serve --demo` in a temporary folder and walks the pages of the layout test
(tests/browser/test_layout.py: PANEL_PAGES, ROLES) in headless Chromium, saving
OUT_DIR/<role>-<page>-<width>.png (full page) and printing each page's status and sideways overflow: the
new-user walk of issue #10, for a person to look at. Needs Debian's chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, LiveServer, admin_log_in, log_in, serve_demo  # noqa: E402
from tests.browser.test_layout import OVERFLOW, PANEL_PAGES, ROLES, find_ids  # noqa: E402

WIDTHS = (1366, 390)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--lang", choices=("ru", "en"), default="ru")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helpdesk-shots-") as folder, \
            serve_demo(Path(folder) / "data") as (url, log), sync_playwright() as playwright:
        password = log.read_text().split("with password ", 1)[1].split()[0]
        server = LiveServer(url, password, Path(folder) / "data")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        ids: dict[str, str] = {}
        for role, username in ROLES.items():
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900},
                                          locale="ru-RU" if args.lang == "ru" else "en-US")
            page = context.new_page()
            admin_log_in(page, server) if username is None else log_in(page, server, username, "demo-password")
            if args.lang == "en":
                page.evaluate("fetch('/lang', {method: 'POST', headers: {'x-csrftoken': document.cookie"
                              ".match(/helpdesk_csrf=([^;]+)/)[1]}, body: new URLSearchParams({lang: 'en'})})")
            ids = ids or find_ids(page, server)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
                for name, path in PANEL_PAGES:
                    response = page.goto(server.url + path.format(**ids))
                    status = response.status if response else 0
                    found = page.evaluate(OVERFLOW)
                    page.screenshot(path=str(args.out / f"{role}-{name}-{width}.png"), full_page=True)
                    wide = f" page +{found['page']}px {found['boxes']}" if found["page"] > 0 or found["boxes"] else ""
                    print(f"{role:12s}{width:5d} {status} {name}{wide}", flush=True)
            context.close()
        browser.close()
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
