"""The Mini App's calls over the domain: one cart is one request, each person sees their own, actions apply."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.db.models import Attachment, AuditEvent, CartridgeModel, OrderLine, Ticket
from tests.conftest import Org
from tests.miniapp.signing import headers


def _order(client: TestClient, org: Org, persona: str = "bob", **extra: object) -> dict:
    third = CartridgeModel.create(name="Canon 725", vendor="Canon", article="CRG725")
    lines = [{"cartridge_id": org.toner.id, "quantity": 2}, {"cartridge_id": org.drum.id, "quantity": 1},
             {"cartridge_id": third.id, "quantity": 3}]
    response = client.post("/miniapp/api/orders", json={"lines": lines, "comment": "for the front desk", **extra},
                           headers=headers(getattr(org, persona).telegram_id))
    assert response.status_code == 201, response.text
    return response.json()


def test_catalog_puts_the_branchs_cartridges_first_with_stock(client: TestClient, sqlite_org: Org) -> None:
    items = client.get("/miniapp/api/catalog", headers=headers(sqlite_org.bob.telegram_id)).json()["items"]
    assert [(i["name"], i["compatible"], i["in_stock"], i["source"]) for i in items] == [
        ("HP 85A", True, 10, "manual"), ("Brother DR-2300", False, None, None)]
    assert items[0]["as_of"]


def test_a_cart_of_three_models_is_one_request_with_lines(client: TestClient, sqlite_org: Org) -> None:
    body = _order(client, sqlite_org, client_key="cart-0001-abcd")
    ticket = Ticket.get(Ticket.number == body["number"])
    assert Ticket.select().count() == 1
    assert sorted((line.cartridge.name, line.quantity) for line in OrderLine.select()) == [
        ("Brother DR-2300", 1), ("Canon 725", 3), ("HP 85A", 2)]
    assert (ticket.channel, ticket.description, body["status"]) == ("miniapp", "for the front desk", "new")
    assert AuditEvent.get(AuditEvent.ticket == ticket).channel == "miniapp"
    lines = [{"cartridge_id": line.cartridge_id, "quantity": line.quantity} for line in ticket.lines]
    again = client.post("/miniapp/api/orders", json={"lines": lines, "comment": "for the front desk",
                                                     "client_key": "cart-0001-abcd"},
                        headers=headers(sqlite_org.bob.telegram_id))
    assert again.json()["number"] == body["number"] and Ticket.select().count() == 1  # a resend creates once
    other = client.post("/miniapp/api/orders", json={"lines": lines[:1], "client_key": "cart-0001-abcd"},
                        headers=headers(sqlite_org.bob.telegram_id))
    assert other.status_code == 422 and Ticket.select().count() == 1  # the same key for another cart


def test_bad_quantity_is_a_clear_error(client: TestClient, sqlite_org: Org) -> None:
    response = client.post("/miniapp/api/orders", json={"lines": [{"cartridge_id": sqlite_org.toner.id,
                                                                   "quantity": 101}]},
                           headers=headers(sqlite_org.bob.telegram_id))
    assert response.status_code == 422
    assert response.json()["field"] == "lines" and "100" in response.json()["message"]
    assert Ticket.select().count() == 0


def test_a_branch_user_sees_only_their_branch(client: TestClient, sqlite_org: Org) -> None:
    number = _order(client, sqlite_org)["number"]
    mine = client.get("/miniapp/api/requests", headers=headers(sqlite_org.bob.telegram_id)).json()
    assert [i["number"] for i in mine["items"]] == [number]
    other = headers(sqlite_org.dan.telegram_id)
    assert client.get("/miniapp/api/requests", headers=other).json()["items"] == []
    refused = client.get(f"/miniapp/api/requests/{number}", headers=other)
    assert refused.status_code == 403 and number in refused.json()["message"]
    assert client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "cancel"},
                       headers=other).status_code == 403


def test_author_cancels_while_new(client: TestClient, sqlite_org: Org) -> None:
    number = _order(client, sqlite_org)["number"]
    detail = client.get(f"/miniapp/api/requests/{number}", headers=headers(sqlite_org.bob.telegram_id)).json()
    assert [a["action"] for a in detail["actions"]] == ["cancel"]
    done = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "cancel"},
                       headers=headers(sqlite_org.bob.telegram_id))
    assert done.status_code == 201 and done.json()["status"] == "cancelled"
    assert Ticket.get(Ticket.number == number).status == "cancelled"
    twice = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "cancel"},
                        headers=headers(sqlite_org.bob.telegram_id))
    assert twice.status_code == 422  # an illegal transition, as in the API


def test_storekeeper_accepts_ships_and_author_confirms(client: TestClient, sqlite_org: Org) -> None:
    number = _order(client, sqlite_org)["number"]
    sam = headers(sqlite_org.sam.telegram_id)
    queue = client.get("/miniapp/api/requests", headers=sam).json()
    assert [i["number"] for i in queue["items"]] == [number]
    detail = client.get(f"/miniapp/api/requests/{number}", headers=sam).json()
    assert {a["action"]: a["label"] for a in detail["actions"]} == {"accept": "Принять", "reject": "Отклонить"}
    accepted = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "accept"}, headers=sam)
    assert accepted.json()["status"] == "accepted"
    assert "resolve" in [a["action"] for a in accepted.json()["actions"]]
    assert client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "resolve"},
                       headers=sam).json()["status"] == "resolved"
    bob = headers(sqlite_org.bob.telegram_id)
    closed = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "confirm"}, headers=bob)
    assert closed.json()["status"] == "closed"
    assert [e["label"] for e in closed.json()["history"]][:2] == ["создал(а)", "принял(а)"]
    assert AuditEvent.select().where(AuditEvent.channel == "miniapp").count() == 4


def test_reject_needs_a_reason(client: TestClient, sqlite_org: Org) -> None:
    number = _order(client, sqlite_org)["number"]
    sam = headers(sqlite_org.sam.telegram_id)
    empty = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "reject"}, headers=sam)
    assert (empty.status_code, empty.json()["field"]) == (422, "reason")
    rejected = client.post(f"/miniapp/api/requests/{number}/actions", json={"action": "reject", "reason": "none"},
                           headers=sam)
    assert rejected.json()["reject_reason"] == "none"


def test_comments_are_added_and_shown(client: TestClient, sqlite_org: Org) -> None:
    number = _order(client, sqlite_org)["number"]
    response = client.post(f"/miniapp/api/requests/{number}/comments", json={"body": "  urgent please "},
                           headers=headers(sqlite_org.bob.telegram_id))
    assert [(c["who"], c["body"]) for c in response.json()["comments"]] == [("Bob", "urgent please")]
    empty = client.post(f"/miniapp/api/requests/{number}/comments", json={"body": " "},
                        headers=headers(sqlite_org.bob.telegram_id))
    assert empty.status_code == 422


def test_issue_with_printer_and_photo(client: TestClient, sqlite_org: Org) -> None:
    bob = headers(sqlite_org.bob.telegram_id)
    me = client.get("/miniapp/api/me", headers=bob).json()
    assert [p["id"] for p in me["printers"]] == [sqlite_org.printer.id]
    assert "repair" in [t["code"] for t in me["types"]]
    created = client.post("/miniapp/api/issues", json={"type": "repair", "description": "paper jams",
                                                       "printer_id": sqlite_org.printer.id}, headers=bob)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    stored = client.post(f"/miniapp/api/requests/{number}/photo", content=png, headers=bob)
    assert stored.status_code == 201
    assert Attachment.get().content_type == "image/png"
    html = client.post(f"/miniapp/api/requests/{number}/photo", content=b"<html><script>", headers=bob)
    assert (html.status_code, html.json()["field"]) == (422, "file")
    too_short = client.post("/miniapp/api/issues", json={"type": "repair", "description": "x"}, headers=bob)
    assert too_short.status_code == 422 and Ticket.select().count() == 1


def test_staff_do_not_order_from_the_catalog(client: TestClient, sqlite_org: Org) -> None:
    response = client.get("/miniapp/api/catalog", headers=headers(sqlite_org.sam.telegram_id))
    assert response.status_code == 403
