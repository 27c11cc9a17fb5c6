"""Every page × every role: who gets the page, who gets 403, and that nobody gets in without a login."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from helpdesk.core import tickets
from tests.conftest import Org
from tests.web.conftest import login

ADMIN_ONLY = ["/catalog/cartridges", "/catalog/printer-models", "/catalog/printers", "/org/branches",
              "/org/warehouses", "/org/users", "/org/invites", "/org/access", "/import",
              "/import/branches/template.xlsx", "/audit", "/settings"]
STAFF = ["/stock"]  # storekeepers (their warehouse) and admins
EVERYONE = ["/", "/requests", "/requests/new", "/requests.xlsx", "/password"]
PUBLIC = ["/login", "/login/telegram", "/healthz"]
ROLES = {"alice": "admin", "sam": "storekeeper", "bob": "branch"}


def _expected(path: str, role: str) -> int:
    if path in ADMIN_ONLY:
        return 200 if role == "admin" else 403
    if path in STAFF:
        return 403 if role == "branch" else 200
    return 200


@pytest.mark.parametrize("persona", sorted(ROLES))
def test_each_page_for_each_role(client: TestClient, sqlite_org: Org, persona: str) -> None:
    login(client, getattr(sqlite_org, persona))
    role = ROLES[persona]
    got = {path: client.get(path, follow_redirects=False).status_code
           for path in ADMIN_ONLY + STAFF + EVERYONE}
    assert got == {path: _expected(path, role) for path in got}
    forbidden = client.get(ADMIN_ONLY[0]) if role != "admin" else None
    if forbidden is not None:
        assert "Доступ запрещён" in forbidden.text and "Traceback" not in forbidden.text


def test_nothing_but_login_and_health_without_a_session(client: TestClient, sqlite_org: Org) -> None:
    for path in ADMIN_ONLY + STAFF + EVERYONE:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    for path in PUBLIC:
        assert client.get(path, follow_redirects=False).status_code == 200, path
    assert client.get("/api/v1/requests").status_code == 401


def test_a_request_page_for_its_branch_its_warehouse_and_admins_only(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Не печатает"))
    expected = {"alice": 200, "sam": 200, "bob": 200, "bea": 200, "sue": 403, "carl": 403, "dan": 403}
    for persona, status in expected.items():
        client.cookies.clear()
        login(client, getattr(sqlite_org, persona))
        page = client.get(f"/requests/{ticket.number}")
        assert page.status_code == status, persona
        assert status == 200 or "Не печатает" not in page.text
