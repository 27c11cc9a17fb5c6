"""Every panel page, as each role, at a laptop's and a phone's width: nothing scrolls sideways.

Screenshots of each go to test-artifacts/screenshots/<role>-<page>-<width>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from litestar import Router
from playwright.sync_api import Browser, Page

from helpdesk.web.panel import pages
from tests.browser.conftest import ARTIFACTS, LiveServer, admin_log_in, log_in

WIDTHS = (1366, 390)
# (name, path); "{request}", "{branch}", "{warehouse}", "{invite}" are filled from what the demo holds.
PANEL_PAGES = [
    ("dashboard", "/"), ("requests", "/requests"), ("requests-open", "/requests?status=new&status=accepted"),
    ("new-request", "/requests/new"), ("request", "/requests/{request}"), ("stock", "/stock"),
    ("users", "/org/users"), ("invites", "/org/invites"), ("invite-print", "/org/invites/{invite}/print"),
    ("access", "/org/access"), ("branches", "/org/branches"), ("branch", "/org/branches/{branch}"),
    ("warehouses", "/org/warehouses"), ("warehouse", "/org/warehouses/{warehouse}"), ("tokens", "/org/tokens"),
    ("cartridges", "/catalog/cartridges"), ("printer-models", "/catalog/printer-models"),
    ("printers", "/catalog/printers"), ("import", "/import"), ("audit", "/audit"), ("settings", "/settings"),
    ("onec", "/settings/onec"), ("backups", "/backups"),
    ("database-move", "/settings/database"),
    ("password", "/password"), ("api-docs", "/schema"), ("login-telegram", "/login/telegram"),
    ("notifications", "/notifications"), ("my-notifications", "/me/notifications"),
    ("scheduled-reports", "/scheduled-reports"),
    ("reports", "/reports?period=year"),
]
# GET routes that are no page of their own: files, downloads, one-time links, confirmations, the login form.
NOT_PAGES = {"/login", "/requests.xlsx", "/reports.xlsx", "/requests/changes", "/requests/{number:str}/files/{file_id:int}",
             "/org/invites/{invite_id:int}/qr.svg", "/login/telegram/code", "/login/telegram/link/{token:str}",
             "/import/preview/{token:str}", "/import/{kind:str}/template.xlsx", "/org/tokens/{token_id:int}/revoke",
             "/backups/files/{name:str}",
             "/settings/database/status"}
ROLES = {"admin": None, "storekeeper": "store", "branch": "anna"}

OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - window.innerWidth;
  const boxes = [...document.querySelectorAll('.table-wrap, .card, main')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.id || e.className) + ': ' + (e.scrollWidth - e.clientWidth) + 'px');
  return {page, boxes};
}"""


def _get_paths() -> set[str]:
    """Every panel path that answers GET, read from the panel's routers as the app mounts them."""
    panel = Router(path="/", route_handlers=pages())
    return {route.path for route in panel.routes if "GET" in getattr(route, "methods", ())}


def test_the_page_list_covers_every_panel_page() -> None:
    listed = {re.sub(r"\{[a-z]+\}", "{id}", path.split("?")[0]) for _, path in PANEL_PAGES}
    for path in _get_paths() - NOT_PAGES:
        generic = re.sub(r"\{[a-z_]+:(str|int)\}", "{id}", path)
        generic = generic.replace("/org/{id}", "/org/branches") if generic.startswith("/org/{id}") else generic
        assert generic in listed, f"{path} is a panel page the layout test does not visit"


@pytest.fixture(scope="module")
def ids(browser: Browser, live_server: LiveServer) -> Iterator[dict[str, str]]:
    """Ids of a request, a branch, a warehouse and an invite of the demo, found as an admin would."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ru-RU")
    page = context.new_page()
    admin_log_in(page, live_server)
    found = find_ids(page, live_server)
    context.close()
    yield found


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_scrolls_sideways(browser: Browser, live_server: LiveServer, ids: dict[str, str], role: str) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="ru-RU")
    page: Page = context.new_page()
    if ROLES[role] is None:
        admin_log_in(page, live_server)
    else:
        log_in(page, live_server, ROLES[role], "demo-password")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
        for name, path in PANEL_PAGES:
            response = page.goto(live_server.url + path.format(**ids))
            assert response is not None and response.status < 500, f"{role} {path}: {response and response.status}"
            if response.status != 200:
                continue  # another role's page: the error page is checked where it is someone's page
            found = page.evaluate(OVERFLOW)
            if found["page"] > 0 or found["boxes"]:
                failures.append(f"{role} {name} @{width}: page +{found['page']}px {found['boxes']}")
            page.screenshot(path=str(ARTIFACTS / f"{role}-{name}-{width}.png"), full_page=True)
    context.close()
    assert not failures, "\n".join(failures)


def test_filters_fold_on_a_phone_and_bulk_accept_works(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    log_in(page, live_server, "store", "demo-password")
    page.goto(f"{live_server.url}/requests")
    assert page.locator("details.filters-box").get_attribute("open") is None, "filters folded on a phone"
    page.goto(f"{live_server.url}/requests?sla=overdue")
    assert page.locator("details.filters-box").get_attribute("open") is not None, "filters in use stay open"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/requests?view=new")
    rows = page.locator("#requests tbody tr").count()
    assert rows > 0
    page.check("[data-select-all]")
    assert page.locator("input[name=numbers]:checked").count() == rows
    page.select_option("#bulk select[name=action]", "accept")
    page.click("#bulk button")
    summary = page.locator("#bulk-result .alert").inner_text()
    assert summary.startswith("Принять: выполнено для"), summary
    page.goto(f"{live_server.url}/requests?view=new")
    assert page.locator("#requests tbody tr").count() == 0
    context.close()


def find_ids(page: Page, server: LiveServer) -> dict[str, str]:
    """A request, a branch, a warehouse and a live invite of the demo (scripts/screenshots.py uses it too)."""
    found = {}
    page.goto(f"{server.url}/requests?sort=-updated")
    found["request"] = page.locator("#requests tbody a").first.inner_text().strip()
    for kind, plural in (("branch", "branches"), ("warehouse", "warehouses")):
        page.goto(f"{server.url}/org/{plural}")
        found[kind] = page.locator(f"a[href^='/org/{plural}/']").first.get_attribute("href").rsplit("/", 1)[1]
    page.goto(f"{server.url}/org/invites")
    # A live invite has a revoke form (its QR and print page wait for a connected bot).
    live = "form[action$='/revoke'][action^='/org/invites/']"
    if page.locator(live).count() == 0:
        page.select_option("select[name=role]", "branch")
        page.select_option("select[name=branch]", index=1)
        page.click("form[action='/org/invites'] button.primary")
    found["invite"] = page.locator(live).first.get_attribute("action").split("/")[3]
    return found
