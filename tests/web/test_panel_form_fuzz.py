"""Every panel POST route, taken from the app's route table, answers malformed forms with a 4xx, never a 5xx.

An administrator (who may reach every route) posts each form with every field the templates name,
all missing, non-numeric, huge, negative, out of the database's range, repeated, or holding NUL;
plus order lines with malformed keys (`qty_abc`). A valid CSRF token goes with each, so the handler
itself runs.
"""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from helpdesk.core import tickets
from helpdesk.web.app import WEB_DIR
from tests.conftest import Org
from tests.web.conftest import csrf_token, login

# What the session needs to stay usable through the run: logout is tested in test_login.
SKIP = {"/logout"}
FIELDS = sorted({m for p in (WEB_DIR / "templates").rglob("*.html")
                 for m in re.findall(r'name="([a-z_]+?)_?"', p.read_text())} | {"qty_1", "work_day_1"})
BAD_VALUES = ["", "abc", "9" * 40, "-1", "1.5", "x" * 20_000, "\x00", "١٢"]
BAD_KEYS = {"qty_abc": "1", "qty_-1": "2", "qty_" + "9" * 30: "1", "qty_1": "x"}


def _post_paths(client: TestClient, number: str, org: Org) -> list[str]:
    """The app's POST routes with their path parameters filled with things that exist."""
    params = {"number": number, "kind": "branches", "token": "nope", "user_id": str(org.bob.id)}
    paths = []
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or "POST" not in route.methods:
            continue
        if route.path.startswith(("/api/", "/miniapp/api", "/schema")) or route.path in SKIP:
            continue
        path = re.sub(r"\{(\w+):(\w+)\}", lambda m: params.get(m.group(1), "1"), route.path)
        paths.append(path)
    return sorted(paths)


@pytest.fixture
def admin(client: TestClient, sqlite_org: Org) -> TestClient:
    login(client, sqlite_org.alice)
    return client


def test_every_panel_post_route_refuses_malformed_fields_without_a_server_error(admin: TestClient,
                                                                                  sqlite_org: Org) -> None:
    number = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft(type_code="repair",
                                                                          description="Paper jam")).number
    admin.app.state.services.bot.state = "running"  # else the Telegram login answers 503 before parsing
    paths = _post_paths(admin, number, sqlite_org)
    assert {"display_name", "qty_1", "branch", "telegram_id"} <= set(FIELDS)  # the templates were read
    assert len(paths) >= 20 and "/requests/new" in paths and "/org/users" in paths  # the table was read
    token = csrf_token(admin, "/")
    failures = []
    forms: list[dict[str, str | list[str]]] = [{}, BAD_KEYS, {f: ["1", "abc"] for f in FIELDS}]
    forms += [dict.fromkeys(FIELDS, value) for value in BAD_VALUES]
    for path in paths:
        for form in forms:
            response = admin.post(path, data={**form, "_csrf_token": token}, follow_redirects=False)
            if response.status_code >= 500:
                failures.append((path, sorted(form)[:3], response.status_code))
    assert not failures


def test_a_malformed_order_line_gets_the_form_again_with_a_translated_422(admin: TestClient,
                                                                           sqlite_org: Org) -> None:
    token = csrf_token(admin, "/requests/new")
    response = admin.post("/requests/new", data={"type": "cartridges", "branch": sqlite_org.b1.id, "qty_abc": "1",
                                                 "_csrf_token": token})
    # The form again, with the domain's refusal in the panel's language (Russian by default).
    assert response.status_code == 422 and "Неизвестная модель картриджа." in response.text
    assert 'name="description"' in response.text
