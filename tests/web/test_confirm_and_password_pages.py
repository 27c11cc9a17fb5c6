"""A cancel asks first; the password rule is written on the page; a forced password change shows no dead menu."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

import helpdesk.web
from helpdesk.core import tickets
from helpdesk.db.models import User
from tests.conftest import Org
from tests.web.conftest import login


def test_cancel_asks_for_confirmation(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие"))
    login(client, sqlite_org.bob)
    page = client.get(f"/requests/{ticket.number}").text
    assert f'data-confirm="Отменить заявку {ticket.number}? Отменённую заявку нельзя открыть снова."' in page
    assert '<script src="/static/app.js' in page
    script = (Path(helpdesk.web.__file__).parent / "static" / "app.js").read_text()
    assert 'closest("form[data-confirm]")' in script and "window.confirm(" in script


def test_password_rule_is_text_and_forced_change_has_no_menu(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    assert "Не короче 10 символов." in client.get("/password").text
    assert 'class="mainnav"' in client.get("/password").text
    assert "Не короче 10 символов." in client.get("/org/users").text
    User.update(must_change_password=True).where(User.id == sqlite_org.alice.id).execute()
    login(client, sqlite_org.alice)
    forced = client.get("/password").text
    assert "Не короче 10 символов." in forced and 'class="mainnav"' not in forced
