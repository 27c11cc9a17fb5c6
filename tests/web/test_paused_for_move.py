"""While the database moves, every change over the web is answered 503 with Retry-After; reading goes on."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import maintenance
from tests.conftest import Org
from tests.web.conftest import api_token, csrf_token, login


def test_changes_wait_and_reading_goes_on(client: TestClient, sqlite_org: Org) -> None:
    bob = api_token(sqlite_org, "bob")
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/settings")
    maintenance.begin()
    try:
        api = client.post("/api/v1/requests", headers=bob, json={"type": "repair", "description": "Сломался"})
        assert api.status_code == 503 and api.headers["Retry-After"] == "60"
        assert "Back in a minute" in api.json()["message"] or "Вернёмся через минуту" in api.json()["message"]
        panel = client.post("/settings/general", data={"org_name": "X", "language": "", "timezone": "Europe/Moscow",
                                                       "_csrf_token": token}, follow_redirects=False)
        assert panel.status_code == 503 and panel.headers["Retry-After"] == "60"
        miniapp = client.post("/miniapp/api/orders", json={})
        assert miniapp.status_code == 503
        assert client.get("/api/v1/requests", headers=bob).status_code == 200
        assert client.get("/settings").status_code == 200
    finally:
        maintenance.end()
    again = client.post("/api/v1/requests", headers=bob, json={"type": "repair", "description": "Сломался"})
    assert again.status_code == 201
