"""Sessions end on the server: logout, deactivation and a role change kill copied cookies too;
the cookie is Secure exactly when the request came over HTTPS."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import people, user_admin
from helpdesk.db.models import AuditEvent, User
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def _copy_of(client: TestClient) -> TestClient:
    """A second browser holding a copy of the first one's cookies (a stolen or synced cookie)."""
    other = TestClient(app=client.app)
    for cookie in client.cookies.jar:
        other.cookies.set(cookie.name, cookie.value)
    return other


def test_logout_ends_the_session_in_every_browser(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    with _copy_of(client) as stolen:
        assert stolen.get("/", follow_redirects=False).status_code == 200
        client.post("/logout", data={"_csrf_token": csrf_token(client, "/")})
        refused = stolen.get("/requests", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert AuditEvent.get(AuditEvent.action == "sessions_end").after == {"reason": "logout"}
    login(client, sqlite_org.alice)  # a new login works at once
    assert client.get("/", follow_redirects=False).status_code == 200


def test_deactivation_and_a_role_change_end_sessions(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    assert client.get("/", follow_redirects=False).status_code == 200
    admin = sqlite_org.actor("alice")
    people.set_active(admin, User.get_by_id(sqlite_org.bob.id), False)
    people.set_active(admin, User.get_by_id(sqlite_org.bob.id), True)
    assert client.get("/", follow_redirects=False).status_code == 303, "dead after a reactivation too"

    login(client, sqlite_org.bob)
    assert client.get("/", follow_redirects=False).status_code == 200
    user_admin.update_user(admin, User.get_by_id(sqlite_org.bob.id), role="storekeeper",
                           warehouse_code="W1")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookies_are_secure_over_https_only(client: TestClient, sqlite_org: Org) -> None:
    plain = client.get("/login")
    assert plain.headers.get_list("set-cookie") and all(
        "secure" not in c.lower() for c in plain.headers.get_list("set-cookie"))
    with TestClient(app=client.app, base_url="https://panel.example") as tls:
        page = tls.get("/login")
        cookies = page.headers.get_list("set-cookie")
        assert cookies and all("; Secure" in c for c in cookies)
        login(tls, sqlite_org.alice)
        assert tls.get("/", follow_redirects=False).status_code == 200
    # A plain-HTTP LAN panel keeps working whatever the Mini App's public address is.
    login(client, sqlite_org.alice)
    assert client.get("/", follow_redirects=False).status_code == 200
