"""In a real browser: an uploaded SVG runs no script for the admin who opens it; no page trips the CSP."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from playwright.sync_api import Dialog, Page, expect

from helpdesk.core import attachments, tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import close_database, init_database
from helpdesk.db.models import Attachment, Ticket, User
from tests.browser.conftest import LiveServer, admin_log_in

# What the probe sent: the script reads the CSRF token and makes itself an admin.
EVIL_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/>
<script>
window.__pwned = 1; try { window.top.__pwned = 1; } catch (e) {}
const token = (document.cookie.match(/helpdesk_csrf=([^;]+)/) || [])[1] || "";
fetch("/org/users", {method: "POST", credentials: "include",
  headers: {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token},
  body: "display_name=Intruder&role=admin&username=intruder&password=intruder+password+1&_csrf_token=" + token});
alert("xss");
</script></svg>"""
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def attached(live_server: LiveServer) -> Iterator[tuple[str, int, int]]:
    """A branch user's request with the SVG (sent as image/svg+xml) and a PNG, as the bot stores them."""
    init_database(f"sqlite:///{live_server.data_dir / 'helpdesk.db'}", migrate=False)
    try:
        anna = User.get(User.username == "anna")
        actor = Actor(anna, "bot")
        ticket = tickets.create(actor, tickets.TicketDraft(type_code="repair", description="Экран мигает"))
        uploads = live_server.data_dir / "uploads"
        svg = attachments.add(actor, ticket, uploads, "screenshot.svg", EVIL_SVG, "image/svg+xml")
        png = attachments.add(actor, ticket, uploads, "фото.png", PNG_1PX, "image/png")
        yield ticket.number, svg.id, png.id
    finally:
        close_database()


def test_an_admin_opening_an_uploaded_svg_runs_no_script(page: Page, live_server: LiveServer,
                                                         attached: tuple[str, int, int]) -> None:
    number, svg_id, png_id = attached
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/requests/{number}")
    with page.expect_download() as download:
        page.click(f"a[href='/requests/{number}/files/{svg_id}']")
    assert download.value.suggested_filename == "screenshot.svg"
    page.wait_for_timeout(300)  # room for a script's fetch, had one run
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None

    # A raster image still opens in the browser, its bytes checked rather than its name.
    page.goto(f"{live_server.url}/requests/{number}/files/{png_id}")
    expect(page.locator("img")).to_have_count(1)
    assert page.evaluate("document.images[0].naturalWidth") == 1

    init_database(f"sqlite:///{live_server.data_dir / 'helpdesk.db'}", migrate=False)
    assert User.get_or_none(User.username == "intruder") is None
    assert Attachment.select().join(Ticket).where(Ticket.number == number).count() == 2


def test_the_panel_works_under_its_content_security_policy(page: Page, live_server: LiveServer) -> None:
    """No page trips the CSP, and the behaviour moved out of the templates still works."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    admin_log_in(page, live_server)
    for path in ("/", "/requests", "/requests/new", "/catalog/printers", "/org/users", "/org/invites", "/audit",
                 "/settings", "/imports", "/schema"):
        page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/catalog/printers")
    branch = page.locator("select[name=branch] option").nth(1).get_attribute("value")
    page.select_option("select[name=branch]", branch)
    expect(page).to_have_url(f"{live_server.url}/catalog/printers?branch={branch}")
    assert violations == []
