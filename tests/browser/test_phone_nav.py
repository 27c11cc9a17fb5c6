"""On a phone every item of the main menu is in sight, each on one line (the new-user walk of issue #10)."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.browser.conftest import LiveServer, admin_log_in

IN_SIGHT = """() => [...document.querySelectorAll('.mainnav a')].map(a => {
  const box = a.getBoundingClientRect();
  return {text: a.innerText, inside: box.left >= 0 && box.right <= window.innerWidth,
          oneLine: box.height < 2 * parseFloat(getComputedStyle(a).lineHeight)};
})"""


def test_an_admins_menu_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/requests")
    items = page.evaluate(IN_SIGHT)
    context.close()
    assert len(items) >= 7, items  # dashboard, requests, new request, catalog, organisation, audit, settings
    assert [i["text"] for i in items if not i["inside"]] == [], "menu items past the edge of the screen"
    assert [i["text"] for i in items if not i["oneLine"]] == [], "menu items broken over two lines"
