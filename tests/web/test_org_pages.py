"""Organisation and audit pages: admins only, forms with errors next to the field, every change audited."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from helpdesk.core import people
from helpdesk.db.models import AccessRequest, AuditEvent, Branch, Invite, User, Warehouse
from tests.conftest import Org
from tests.web.conftest import csrf_token, login

ADMIN_PAGES = ["/org/branches", "/org/warehouses", "/org/users", "/org/invites", "/org/access", "/audit"]


@pytest.mark.parametrize("persona", ["sam", "bob"])
def test_only_admins(client: TestClient, sqlite_org: Org, persona: str) -> None:
    login(client, getattr(sqlite_org, persona))
    for path in ADMIN_PAGES:
        page = client.get(path)
        assert page.status_code == 403 and "Это может сделать только администратор" in page.text, path


def test_every_page_renders_for_an_admin(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    for path in [*ADMIN_PAGES, "/", "/requests", "/requests/new", "/schema", "/catalog/cartridges",
                 "/catalog/printer-models", "/catalog/printers", "/stock", f"/org/branches/{sqlite_org.b1.id}",
                 f"/org/warehouses/{sqlite_org.w1.id}"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])


def test_branch_create_duplicate_and_edit(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/org/branches")
    made = client.post("/org/branches", data={"code": "kzn-02", "name": "Казань, Кремлёвская",
                                              "warehouse": str(sqlite_org.w2.id), "_csrf_token": token},
                       follow_redirects=False)
    assert made.status_code == 303
    branch = Branch.get(Branch.code == "KZN-02")
    assert branch.warehouse_id == sqlite_org.w2.id
    dup = client.post("/org/branches", data={"code": "KZN-02", "name": "Дубль", "_csrf_token": token})
    assert dup.status_code == 422 and "Код KZN-02 уже занят" in dup.text
    bad = client.post("/org/branches", data={"code": "плохой код!", "name": "X", "_csrf_token": token})
    assert bad.status_code == 422 and "Код — от 1 до 32" in bad.text
    client.post(f"/org/branches/{branch.id}", data={"code": "KZN-02", "name": "Казань-2", "_csrf_token": token})
    branch = Branch.get_by_id(branch.id)
    assert (branch.name, branch.active, branch.warehouse_id) == ("Казань-2", False, None)
    assert AuditEvent.select().where(AuditEvent.action == "branch_save").count() == 2
    client.post("/org/warehouses", data={"code": "W9", "name": "Резервный", "_csrf_token": token})
    assert Warehouse.get(Warehouse.code == "W9").name == "Резервный"


def test_users_create_and_deactivate(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/org/users")
    missing = client.post("/org/users", data={"display_name": "Ольга", "role": "storekeeper", "_csrf_token": token})
    assert missing.status_code == 422 and "Кладовщику нужно указать склад" in missing.text
    client.post("/org/users", data={"display_name": "Ольга", "role": "storekeeper", "warehouse": str(sqlite_org.w2.id),
                                    "username": "olga", "password": "first password", "_csrf_token": token})
    olga = User.get(User.username == "olga")
    assert olga.must_change_password and olga.warehouse_id == sqlite_org.w2.id
    client.post(f"/org/users/{olga.id}/active", data={"active": "0", "_csrf_token": token})
    assert not User.get_by_id(olga.id).active
    myself = client.post(f"/org/users/{sqlite_org.alice.id}/active", data={"active": "0", "_csrf_token": token})
    assert myself.status_code == 409 and "Нельзя деактивировать самого себя" in myself.text


def test_invites_with_qr_and_revoke(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/org/invites")
    client.post("/org/invites", data={"role": "branch", "branch": str(sqlite_org.b1.id), "days": "7", "uses": "0",
                                      "_csrf_token": token})
    invite = Invite.get()
    assert invite.max_uses is None and invite.branch_id == sqlite_org.b1.id
    page = client.get("/org/invites").text
    assert f"/start {invite.code}" in page
    client.app.state.services.bot.username = "helpdesk_test_bot"
    assert f'href="/org/invites/{invite.id}/print"' in client.get("/org/invites").text
    qr = client.get(f"/org/invites/{invite.id}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content
    sheet = client.get(f"/org/invites/{invite.id}/print").text
    assert "Наведите камеру" in sheet and f"https://t.me/helpdesk_test_bot?start={invite.code}" in sheet
    client.post(f"/org/invites/{invite.id}/revoke", data={"_csrf_token": token})
    assert Invite.get_by_id(invite.id).revoked_at is not None


def test_invites_print_no_qr_while_the_bot_is_off(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    invite = people.create_invite(sqlite_org.actor("alice"), "branch", branch=sqlite_org.b1, days=7)
    page = client.get("/org/invites").text
    assert 'id="bot-off"' in page and "сначала подключите" in page.lower()
    assert f"/org/invites/{invite.id}/print" not in page
    for path in ("qr.svg", "print"):
        refused = client.get(f"/org/invites/{invite.id}/{path}")
        assert refused.status_code == 409 and "Сначала подключите Telegram-бота" in refused.text, path


def test_access_request_approval(client: TestClient, sqlite_org: Org) -> None:
    request = people.request_access(4321, "Новый Сотрудник", "newbie")
    login(client, sqlite_org.alice)
    page = client.get("/org/access").text
    assert "Новый Сотрудник" in page and "@newbie" in page
    token = csrf_token(client, "/org/access")
    client.post(f"/org/access/{request.id}", data={"decision": "approve", "branch": str(sqlite_org.b3.id),
                                                   "_csrf_token": token})
    assert AccessRequest.get_by_id(request.id).status == "approved"
    assert User.get(User.telegram_id == 4321).branch_id == sqlite_org.b3.id
    again = client.post(f"/org/access/{request.id}", data={"decision": "reject", "_csrf_token": token})
    assert again.status_code == 422 and "уже принято решение" in again.text


def test_audit_page_filters(client: TestClient, sqlite_org: Org) -> None:
    from helpdesk.core import lifecycle, tickets

    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    lifecycle.transition(sqlite_org.actor("sam"), ticket, "accept")
    login(client, sqlite_org.alice)
    page = client.get("/audit", params={"number": ticket.number}).text
    assert page.count(f'href="/requests/{ticket.number}"') == 2
    table = client.get("/audit", params={"action": "accept"}).text.split('id="audit"')[1]
    assert "принял(а)" in table and "создал(а)" not in table


def test_admin_edits_a_user_and_resets_the_password(client: TestClient, sqlite_org: Org) -> None:

    login(client, sqlite_org.alice)
    bob = sqlite_org.bob
    page = client.get(f"/org/users?edit={bob.id}").text
    assert f'action="/org/users/{bob.id}"' in page and 'value="Bob"' in page
    token = csrf_token(client, "/org/users")
    taken = client.post(f"/org/users/{bob.id}", data={
        "display_name": "Bob", "role": "branch", "branch": str(sqlite_org.b2.id), "telegram_id": "1006",
        "_csrf_token": token})
    assert taken.status_code == 422 and "уже привязан" in taken.text
    assert User.get_by_id(bob.id).branch_id == sqlite_org.b1.id, "nothing of a refused form is kept"
    moved = client.post(f"/org/users/{bob.id}", data={
        "display_name": "Bob Builder", "role": "storekeeper", "warehouse": str(sqlite_org.w2.id),
        "telegram_id": "4242", "username": "bob.b", "email": "bob@example.org", "language": "en",
        "password": "a brand new secret", "_csrf_token": token}, follow_redirects=False)
    assert moved.status_code == 303
    fresh = User.get_by_id(bob.id)
    assert (fresh.display_name, fresh.role, fresh.branch_id, fresh.warehouse_id, fresh.telegram_id, fresh.username,
            fresh.language) == ("Bob Builder", "storekeeper", None, sqlite_org.w2.id, 4242, "bob.b", "en")
    assert fresh.must_change_password and people.authenticate("bob.b", "a brand new secret").id == bob.id
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "user")]
    assert actions.count("user_update") == 2 and "password_change" in actions
