"""/healthz: states and counts for anyone; the version and error texts for an admin (a check from\nloopback is in tests/test_process.py)."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk import __version__
from tests.conftest import Org
from tests.web.conftest import login


def test_public_answer_has_states_and_counts_only(client: TestClient, sqlite_org: Org) -> None:
    services = client.app.state.services
    services.bot.error = "Unauthorized: token 123:secret rejected by api.telegram.org"
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == {"state": "ok", "engine": "sqlite"}
    assert "version" not in body and "error" not in body["bot"]
    assert __version__ not in str(body) and "secret" not in str(body)


def test_admin_and_loopback_see_version_and_errors(client: TestClient, sqlite_org: Org) -> None:
    client.app.state.services.bot.error = "Unauthorized"
    login(client, sqlite_org.sam)
    assert "version" not in client.get("/healthz").json(), "staff is not enough"
    login(client, sqlite_org.alice)
    body = client.get("/healthz").json()
    assert body["version"] == __version__ and body["bot"]["error"] == "Unauthorized"
