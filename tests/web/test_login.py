"""Login, sessions, CSRF, forced password change, language, and what is reachable without a login."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from helpdesk.db.models import User
from tests.conftest import Org
from tests.web.conftest import PASSWORD, csrf_token, login, set_password


def test_pages_need_a_login_but_health_and_login_do_not(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/login").status_code == 200
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
    assert client.get("/api/v1/requests").status_code == 401
    assert client.get("/schema/openapi.json").status_code == 401


def test_login_and_logout(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/")
    assert page.status_code == 200 and "Alice" in page.text and "Главная" in page.text
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/")})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_in_russian(client: TestClient, sqlite_org: Org) -> None:
    set_password(sqlite_org.alice)
    response = client.post("/login", data={"username": "alice", "password": "nope", "_csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert "Неверный логин или пароль" in response.text


def test_form_without_csrf_token_is_refused(client: TestClient, sqlite_org: Org) -> None:
    set_password(sqlite_org.alice)
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "Форма устарела" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303, "not logged in"


def test_first_login_forces_a_password_change(client: TestClient, sqlite_org: Org) -> None:
    User.update(must_change_password=True).where(User.id == sqlite_org.alice.id).execute()
    login(client, sqlite_org.alice)
    assert client.get("/", follow_redirects=False).headers["location"] == "/password"
    token = csrf_token(client, "/password")
    bad = client.post("/password", data={"new_password": "short", "repeat_password": "short", "_csrf_token": token})
    assert bad.status_code == 422 and "не короче 10" in bad.text
    ok = client.post("/password", data={"new_password": "a brand new secret", "repeat_password": "a brand new secret",
                                        "_csrf_token": token}, follow_redirects=False)
    assert ok.status_code in (302, 303)
    assert client.get("/").status_code == 200
    assert not User.get_by_id(sqlite_org.alice.id).must_change_password


def test_password_change_ends_other_sessions(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    assert client.get("/").status_code == 200
    set_password(sqlite_org.alice, "another password entirely")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_english_is_available(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    client.post("/lang", data={"lang": "en", "next": "/", "_csrf_token": csrf_token(client, "/")})
    page = client.get("/")
    assert "Dashboard" in page.text and "Главная" not in page.text
    assert User.get_by_id(sqlite_org.alice.id).language == "en"


def test_open_redirect_is_refused(client: TestClient, sqlite_org: Org) -> None:
    set_password(sqlite_org.alice)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "//evil.example",
                                           "_csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_unknown_page_is_a_translated_404_in_the_layout(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "Страница не найдена" in page.text and "Traceback" not in page.text


def test_dashboard_counts_what_the_user_may_see(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.core import tickets
    from helpdesk.db.models import Ticket, utcnow

    made = [tickets.create(sqlite_org.actor(persona), tickets.TicketDraft("repair", description="Broken printer"))
            for persona in ("bob", "bob", "dan")]
    Ticket.update(accept_due_at=utcnow()).where(Ticket.author == sqlite_org.dan.id).execute()
    login(client, sqlite_org.sam)  # W1: sees bob's two, not dan's
    page = client.get("/").text
    assert made[0].number in page and made[1].number in page and made[2].number not in page
    assert '<span class="tile-value">2</span><span class="tile-label">Открытые заявки' in page
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/")})
    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert '<span class="tile-value">3</span><span class="tile-label">Открытые заявки' in page
    assert '<span class="tile-value">1</span><span class="tile-label">Нарушен SLA' in page


def test_russian_by_default_whatever_the_browser_says(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Войти" in page.text and 'lang="ru"' in page.text


def test_getting_started_checklist_for_admins(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.core import people
    from helpdesk.core.actors import Actor

    login(client, sqlite_org.alice)
    page = client.get("/").text
    assert 'id="getting-started"' in page
    assert "6 / 8" in page, "personas have warehouses, branches, cartridges, printer models, printers, storekeepers"
    people.create_invite(Actor.system("cli"), "branch", branch=sqlite_org.b1)
    assert "7 / 8" in client.get("/").text  # only the bot is missing now
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/")})
    login(client, sqlite_org.sam)
    assert 'id="getting-started"' not in client.get("/").text


def test_a_session_ends_after_a_working_day_even_with_a_copied_cookie(client: TestClient, sqlite_org: Org,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from helpdesk.web import auth

    login(client, sqlite_org.alice)
    assert client.get("/", follow_redirects=False).status_code == 200
    started = auth.now()
    monkeypatch.setattr(auth, "now", lambda: started + auth.SESSION_MAX_AGE - 60)
    assert client.get("/", follow_redirects=False).status_code == 200
    monkeypatch.setattr(auth, "now", lambda: started + auth.SESSION_MAX_AGE + 60)
    expired = client.get("/requests", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"] == "/login?next=/requests"
    cookie = next(c for c in client.cookies.jar if c.name == "session")
    assert cookie.expires is not None, "the browser drops the cookie too"
