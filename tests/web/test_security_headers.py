"""Every kind of answer carries its security headers; the templates hold nothing a strict CSP would block."""

from __future__ import annotations

import re
from pathlib import Path

from litestar.testing import TestClient

from helpdesk.web import security
from tests.conftest import Org
from tests.web.conftest import login

TEMPLATES = Path(__file__).resolve().parents[2] / "helpdesk" / "web" / "templates"


def _assert_panel_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"


def test_panel_login_static_and_error_pages_carry_the_headers(client: TestClient, sqlite_org: Org) -> None:
    _assert_panel_headers(client.get("/login"))
    _assert_panel_headers(client.get("/static/app.js"))
    _assert_panel_headers(client.get("/static/app.css"))
    _assert_panel_headers(client.get("/requests", follow_redirects=False))  # the redirect to the login
    _assert_panel_headers(client.get("/no/such/page"))  # the router's own 404
    login(client, sqlite_org.alice)
    page = client.get("/requests")
    assert page.status_code == 200
    _assert_panel_headers(page)
    printers = client.get("/catalog/printers")  # its branch filter submits itself, through app.js
    _assert_panel_headers(printers)
    assert '<script src="/static/app.js' in printers.text and "data-autosubmit" in printers.text


def test_the_mini_app_prefix_has_its_own_policy(client: TestClient) -> None:
    assert security.headers_for("/miniapp") is security.MINIAPP_HEADERS
    assert security.headers_for("/miniapp/api/requests") is security.MINIAPP_HEADERS
    assert security.headers_for("/miniappx") is security.PANEL_HEADERS
    response = client.get("/miniapp/anything")
    assert "x-frame-options" not in response.headers  # Telegram's web clients frame it
    assert "frame-ancestors https://web.telegram.org https://*.telegram.org" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_templates_have_no_inline_script_or_style() -> None:
    """What the panel's CSP would block: event handler attributes, inline scripts, style attributes."""
    forbidden = re.compile(r"\son[a-z]+\s*=|<script(?![^>]*\bsrc=)|\sstyle\s*=|javascript:", re.IGNORECASE)
    offenders = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
                 for path in TEMPLATES.rglob("*.html") for match in forbidden.finditer(path.read_text())]
    assert offenders == []
