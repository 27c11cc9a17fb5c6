"""The JSON API for catalog, organisation, stock and users: the same role rules as the pages."""

from __future__ import annotations

from unittest.mock import ANY

import pytest
from litestar.testing import TestClient

from helpdesk.db.models import (
    ApiToken,
    AuditEvent,
    CartridgeModel,
    Printer,
    PrinterModel,
    Stock,
    StockMovement,
    User,
)
from tests.conftest import Org
from tests.web.conftest import api_token, set_password

NO_TOKEN: dict[str, str] = {}
BAD_TOKEN = {"Authorization": "Bearer hd_not-a-token"}


def _headers(org: Org, who: str) -> dict[str, str]:
    fixed = {"none": NO_TOKEN, "bad": BAD_TOKEN}
    return fixed[who] if who in fixed else api_token(org, who)


def _adjustment(org: Org) -> dict[str, object]:
    return {"warehouse": "W1", "cartridge_id": org.toner.id, "delta": 1, "reason": "Delivery"}


# Who may do what: (method, path, body) -> status per persona. Reads of the catalog are for everyone
# signed in (branches order from it); stock is for staff; users are for admins.
MATRIX = [
    ("GET", "/api/v1/cartridges", None, {"alice": 200, "sam": 200, "bob": 200}),
    ("GET", "/api/v1/printer-models", None, {"alice": 200, "sam": 200, "bob": 200}),
    ("GET", "/api/v1/printers", None, {"alice": 200, "sam": 200, "bob": 200}),
    ("GET", "/api/v1/branches", None, {"alice": 200, "sam": 200, "bob": 200}),
    ("GET", "/api/v1/warehouses", None, {"alice": 200, "sam": 200, "bob": 200}),
    ("GET", "/api/v1/stock", None, {"alice": 200, "sam": 200, "bob": 403}),
    ("POST", "/api/v1/stock/adjustments", _adjustment, {"alice": 201, "sam": 201, "bob": 403}),
    ("GET", "/api/v1/users", None, {"alice": 200, "sam": 403, "bob": 403}),
    ("POST", "/api/v1/users", lambda org: {"display_name": "New", "role": "branch", "branch": "B2"},
     {"alice": 201, "sam": 403, "bob": 403}),
    ("PATCH", "/api/v1/users/{carl}", lambda org: {"display_name": "Carl B."}, {"alice": 200, "sam": 403, "bob": 403}),
    ("GET", "/api/v1/users/{carl}", None, {"alice": 200, "sam": 403, "bob": 403}),
]


@pytest.mark.parametrize("who", ["alice", "sam", "bob", "none", "bad"])
def test_what_each_role_may_do(client: TestClient, sqlite_org: Org, who: str) -> None:
    headers = _headers(sqlite_org, who)
    for method, path, body, allowed in MATRIX:
        url = path.format(carl=sqlite_org.carl.id)
        response = client.request(method, url, headers=headers, json=body(sqlite_org) if body else None)
        expected = allowed.get(who, 401)
        assert response.status_code == expected, (who, method, url, response.text)
        if expected >= 400:
            assert set(response.json()) >= {"error", "message"}
    assert Stock.get(Stock.cartridge == sqlite_org.toner.id).quantity == 10 + (who in ("alice", "sam"))


def test_catalog_lists(client: TestClient, sqlite_org: Org) -> None:
    CartridgeModel.create(name="Retired toner", active=False)
    names = [c["name"] for c in client.get("/api/v1/cartridges", headers=api_token(sqlite_org, "bob")).json()]
    assert names == ["Brother DR-2300", "HP 85A"]
    every = client.get("/api/v1/cartridges", headers=api_token(sqlite_org, "alice")).json()
    assert [c["name"] for c in every] == ["Brother DR-2300", "HP 85A", "Retired toner"]
    assert every[1] == {"id": sqlite_org.toner.id, "name": "HP 85A", "vendor": "HP", "article": "CE285A",
                        "onec_key": None, "active": True}
    models = client.get("/api/v1/printer-models", headers=api_token(sqlite_org, "bob")).json()
    assert models == [{"id": sqlite_org.printer.model_id, "name": "HP P1102", "vendor": "HP", "active": True,
                       "cartridges": [{"id": sqlite_org.toner.id, "name": "HP 85A"}]}]


def test_a_branch_never_sees_another_branchs_printers(client: TestClient, sqlite_org: Org) -> None:
    model = PrinterModel.get()
    Printer.create(branch=sqlite_org.b3, model=model, inventory_number="INV-3", location="Hall")

    def printers(who: str, **params: str) -> list[tuple[str, str]]:
        response = client.get("/api/v1/printers", headers=api_token(sqlite_org, who), params=params)
        assert response.status_code == 200, response.text
        return [(p["branch"], p["inventory_number"]) for p in response.json()]

    assert printers("bob") == [("B1", "INV-1")]
    assert printers("carl") == [] and printers("carl", branch="B1") == []
    assert printers("dan") == [("B3", "INV-3")] and printers("dan", branch="B1") == []
    assert printers("sam") == [("B1", "INV-1")], "a storekeeper sees the branches their warehouse serves"
    assert printers("alice") == [("B1", "INV-1"), ("B3", "INV-3")]
    assert printers("alice", branch="b3") == [("B3", "INV-3")]
    unknown = client.get("/api/v1/printers", headers=api_token(sqlite_org, "alice"), params={"branch": "ZZ"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "branch"


def test_branches_and_warehouses_as_far_as_one_works_with_them(client: TestClient, sqlite_org: Org) -> None:
    def codes(path: str, who: str) -> list[str]:
        return [row["code"] for row in client.get(path, headers=api_token(sqlite_org, who)).json()]

    assert codes("/api/v1/branches", "alice") == ["B1", "B2", "B3"]
    assert codes("/api/v1/branches", "sam") == ["B1", "B2"] and codes("/api/v1/branches", "sue") == ["B3"]
    assert codes("/api/v1/branches", "bob") == ["B1"]
    assert codes("/api/v1/warehouses", "alice") == ["W1", "W2"]
    assert codes("/api/v1/warehouses", "sue") == ["W2"] and codes("/api/v1/warehouses", "dan") == ["W2"]
    branch = client.get("/api/v1/branches", headers=api_token(sqlite_org, "bob")).json()[0]
    assert branch == {"id": sqlite_org.b1.id, "code": "B1", "name": "Branch one", "address": "", "warehouse": "W1",
                      "active": True}


def test_stock_levels_per_role(client: TestClient, sqlite_org: Org) -> None:
    Stock.create(warehouse=sqlite_org.w2, cartridge=sqlite_org.drum, quantity=4, source="1c")
    sam, alice = api_token(sqlite_org, "sam"), api_token(sqlite_org, "alice")
    own = client.get("/api/v1/stock", headers=sam).json()
    assert [(r["warehouse"], r["cartridge"], r["quantity"], r["source"]) for r in own] == [
        ("W1", "HP 85A", 10, "manual")]
    assert own[0]["updated_at"].endswith("Z") or own[0]["updated_at"].endswith("+00:00"), "times are UTC"
    assert client.get("/api/v1/stock", headers=sam, params={"warehouse": "W1"}).status_code == 200
    other = client.get("/api/v1/stock", headers=sam, params={"warehouse": "W2"})
    assert other.status_code == 403 and "своего склада" in other.json()["message"]
    assert [r["warehouse"] for r in client.get("/api/v1/stock", headers=alice).json()] == ["W1", "W2"]
    only = client.get("/api/v1/stock", headers=alice, params={"warehouse": "w2"}).json()
    assert [(r["cartridge"], r["quantity"], r["source"]) for r in only] == [("Brother DR-2300", 4, "1c")]
    assert client.get("/api/v1/stock", headers=alice, params={"warehouse": "ZZ"}).status_code == 422


def test_an_adjustment_is_a_movement_and_an_audit_event(client: TestClient, sqlite_org: Org) -> None:
    response = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"),
                           json={"cartridge_id": sqlite_org.toner.id, "delta": 5, "reason": " Delivery 17 "})
    assert response.status_code == 201, response.text
    assert response.json() == {"warehouse": "W1", "cartridge_id": sqlite_org.toner.id, "delta": 5,
                               "reason": "Delivery 17", "quantity": 15}
    movement = StockMovement.get()
    assert (movement.warehouse_id, movement.delta, movement.reason, movement.user_id) == (
        sqlite_org.w1.id, 5, "Delivery 17", sqlite_org.sam.id)
    event = AuditEvent.get(AuditEvent.action == "stock_adjust")
    assert (event.actor_id, event.channel, event.before, event.after) == (
        sqlite_org.sam.id, "api", {"quantity": 10}, {"quantity": 15, "reason": "Delivery 17"})


def test_a_storekeeper_cannot_adjust_another_warehouse(client: TestClient, sqlite_org: Org) -> None:
    body = {"warehouse": "W2", "cartridge_id": sqlite_org.toner.id, "delta": 3, "reason": "Found a box"}
    refused = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"), json=body)
    assert refused.status_code == 403 and refused.json()["error"] == "Forbidden"
    assert not StockMovement.select().exists() and not Stock.select().where(Stock.warehouse == sqlite_org.w2).exists()
    done = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sue"), json=body)
    assert done.status_code == 201 and done.json()["quantity"] == 3


@pytest.mark.parametrize("change, status, field", [
    ({"delta": 0}, 422, "delta"),
    ({"delta": -11}, 422, "delta"),  # below zero
    ({"delta": 10**7}, 422, "delta"),
    ({"delta": 2**70}, 422, "delta"),
    ({"reason": "  "}, 422, "reason"),
    ({"reason": "x" * 301}, 422, "reason"),
    ({"reason": "\x00\x1b "}, 422, "reason"),  # control characters are dropped: nothing is left
    ({"cartridge_id": 999}, 422, "cartridge_id"),
    ({"cartridge_id": -1}, 422, "cartridge_id"),
    ({"warehouse": "NOPE"}, 422, "warehouse"),
    ({"warehouse": None}, 422, "warehouse"),  # an admin has no warehouse of their own
    ({"delta": "five"}, 400, None),
])
def test_adjustment_validation(client: TestClient, sqlite_org: Org, change: dict, status: int,
                               field: str | None) -> None:
    body = {**_adjustment(sqlite_org), **change}
    response = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "alice"), json=body)
    assert response.status_code == status, response.text
    assert response.json().get("field") == field
    assert not StockMovement.select().exists()


def test_stock_from_1c_is_not_adjusted_by_hand(client: TestClient, sqlite_org: Org) -> None:
    Stock.update(source="1c").execute()
    response = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "alice"),
                           json=_adjustment(sqlite_org))
    assert response.status_code == 409 and "1С" in response.json()["message"]


def test_users_api_never_leaks_secrets(client: TestClient, sqlite_org: Org) -> None:
    set_password(sqlite_org.bob)
    api_token(sqlite_org, "bob")
    alice = api_token(sqlite_org, "alice")
    listed = client.get("/api/v1/users", headers=alice)
    created = client.post("/api/v1/users", headers=alice, json={
        "display_name": "Web Clerk", "role": "branch", "branch": "B2", "username": "Clerk",
        "password": "a long enough password"})
    assert created.status_code == 201, created.text
    one = client.get(f"/api/v1/users/{sqlite_org.bob.id}", headers=alice)
    changed = client.patch(f"/api/v1/users/{sqlite_org.bob.id}", headers=alice, json={"display_name": "Bobby"})
    secrets = [u.password_hash for u in User.select() if u.password_hash] + [t.token_hash for t in ApiToken.select()]
    assert len(secrets) >= 4
    for response in (listed, created, one, changed):
        assert response.status_code in (200, 201)
        assert not any(secret in response.text for secret in secrets)
        assert "hash" not in response.text and "argon2" not in response.text
    bob = one.json()
    assert bob["has_password"] is True and bob["username"] == "bob" and "password" not in bob
    assert created.json()["must_change_password"] is True and created.json()["username"] == "clerk"
    assert [u["display_name"] for u in listed.json()][:1] == ["Alice"] and len(listed.json()) == 7


def test_create_user_validation(client: TestClient, sqlite_org: Org) -> None:
    alice = api_token(sqlite_org, "alice")

    def create(**body: object) -> tuple[int, dict]:
        response = client.post("/api/v1/users", headers=alice, json={"display_name": "X", **body})
        return response.status_code, response.json()

    assert create(role="branch")[0] == 422 and create(role="branch")[1]["field"] == "branch"
    assert create(role="storekeeper", warehouse="NOPE")[1]["field"] == "warehouse"
    assert create(role="wizard") == (422, {"error": "ValidationError", "field": "role", "message": ANY,
                                           "detail": ANY})  # outside the schema's enum
    assert create(role="admin", username="alice")[0] == 409
    assert create(role="admin", password="short")[1]["field"] == "password"
    assert create(role="admin", telegram_id=2**63)[1]["field"] == "telegram_id"
    assert create(role="admin", display_name="x" * 201)[1]["field"] == "display_name"
    status, body = create(role="storekeeper", warehouse="w2", telegram_id=555, branch="B1")
    assert status == 201 and (body["warehouse"], body["branch"], body["telegram_id"]) == ("W2", None, 555)
    assert AuditEvent.get(AuditEvent.action == "user_create").channel == "api"


def test_admin_changes_role_placement_and_activity(client: TestClient, sqlite_org: Org) -> None:
    alice, carl_token = api_token(sqlite_org, "alice"), api_token(sqlite_org, "carl")
    url = f"/api/v1/users/{sqlite_org.carl.id}"
    needs_warehouse = client.patch(url, headers=alice, json={"role": "storekeeper"})
    assert needs_warehouse.status_code == 422 and needs_warehouse.json()["field"] == "warehouse"
    moved = client.patch(url, headers=alice, json={"role": "storekeeper", "warehouse": "W2"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["role"], moved.json()["warehouse"], moved.json()["branch"]) == ("storekeeper", "W2", None)
    event = AuditEvent.get(AuditEvent.action == "user_update")
    assert event.before == {"role": "branch", "branch": "B2", "warehouse": None}
    assert event.after == {"role": "storekeeper", "branch": None, "warehouse": "W2"}
    assert client.get("/api/v1/stock", headers=carl_token).status_code == 200, "the token follows the new role"
    off = client.patch(url, headers=alice, json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/api/v1/stock", headers=carl_token).status_code == 401
    me = f"/api/v1/users/{sqlite_org.alice.id}"
    assert client.patch(me, headers=alice, json={"role": "branch", "branch": "B1"}).status_code == 409
    assert client.patch(me, headers=alice, json={"active": False}).status_code == 409
    assert client.patch("/api/v1/users/99999", headers=alice, json={}).status_code == 404
    assert client.get(f"/api/v1/users/{2**70}", headers=alice).status_code == 404
    refused = client.patch(url, headers=api_token(sqlite_org, "sam"), json={"active": True})
    assert refused.status_code == 403 and User.get_by_id(sqlite_org.carl.id).active is False


def test_messages_follow_the_token_users_language(client: TestClient, sqlite_org: Org) -> None:
    body = {**_adjustment(sqlite_org), "cartridge_id": 999}
    russian = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"), json=body)
    assert russian.json()["message"] == "Неизвестная модель картриджа."
    User.update(language="en").where(User.id == sqlite_org.sam.id).execute()
    english = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"), json=body)
    assert english.json()["message"] == "Unknown cartridge model."
    blank = client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"),
                        json={**body, "reason": " "})  # refused by the schema's rule, still in English
    assert blank.json()["message"] == "This value is outside the limits the API schema states."


def test_schema_documents_the_new_operations_and_their_errors(client: TestClient, sqlite_org: Org) -> None:
    schema = client.get("/schema/openapi.json", headers=api_token(sqlite_org, "alice")).json()
    for path in ("/api/v1/cartridges", "/api/v1/printer-models", "/api/v1/printers", "/api/v1/branches",
                 "/api/v1/warehouses", "/api/v1/stock", "/api/v1/stock/adjustments", "/api/v1/users",
                 "/api/v1/users/{user_id}"):
        assert path in schema["paths"], path
    user_fields = set(schema["components"]["schemas"]["UserOut"]["properties"])
    assert not {f for f in user_fields if "hash" in f or f == "password"}
    adjust = schema["paths"]["/api/v1/stock/adjustments"]["post"]
    assert {"201", "400", "401", "403", "422"} <= set(adjust["responses"])
    assert adjust["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"}


@pytest.mark.parametrize("body, status", [
    (b'{"display_name": "\xed\xa0\x80", "role": "admin"}', 400),  # not UTF-8 (an encoded surrogate)
    (b'{"display_name": "\\ud800", "role": "admin"}', 400),  # a lone surrogate escaped
    (b'{"display_name": "\\u0000\\u0001", "role": "admin"}', 422),  # control characters only: dropped, so empty
    (b'{"display_name": "ok", "role": "admin", "telegram_id": 99999999999999999999999}', 422),
])
def test_malformed_input_is_a_client_error(client: TestClient, sqlite_org: Org, body: bytes, status: int) -> None:
    headers = {**api_token(sqlite_org, "alice"), "content-type": "application/json"}
    response = client.post("/api/v1/users", headers=headers, content=body)
    assert response.status_code == status, response.text
    assert User.select().count() == 7
