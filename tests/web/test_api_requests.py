"""The JSON API: bearer tokens, the same permissions as everywhere, clear errors."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import Org
from tests.web.conftest import api_token


def test_create_list_get_transition_comment(client: TestClient, sqlite_org: Org) -> None:
    bob, sam = api_token(sqlite_org, "bob"), api_token(sqlite_org, "sam")
    created = client.post("/api/v1/requests", headers=bob, json={
        "type": "cartridges", "lines": [{"cartridge_id": sqlite_org.toner.id, "quantity": 2}]})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert created.json()["status"] == "new" and created.json()["lines"][0]["quantity"] == 2
    assert created.json()["allowed_actions"] == ["cancel"]

    listed = client.get("/api/v1/requests", headers=sam, params={"status": "new"}).json()
    assert [t["number"] for t in listed["items"]] == [number] and listed["total"] == 1

    moved = client.post(f"/api/v1/requests/{number}/transitions", headers=sam, json={"action": "accept"})
    assert moved.status_code == 200 and moved.json()["status"] == "accepted"
    comment = client.post(f"/api/v1/requests/{number}/comments", headers=sam, json={"body": "Shipping today"})
    assert comment.status_code == 201
    seen = client.get(f"/api/v1/requests/{number}", headers=bob).json()
    assert [c["body"] for c in seen["comments"]] == ["Shipping today"]


def test_other_branch_gets_403_unknown_404_and_illegal_moves_422(client: TestClient, sqlite_org: Org) -> None:
    bob, carl = api_token(sqlite_org, "bob"), api_token(sqlite_org, "carl")
    number = client.post("/api/v1/requests", headers=bob, json={"type": "repair", "description": "Broken"}).json()["number"]
    hidden = client.get(f"/api/v1/requests/{number}", headers=carl)
    assert hidden.status_code == 403 and "Branch one" not in hidden.text and "Broken" not in hidden.text
    assert client.get("/api/v1/requests/2001-999999", headers=carl).status_code == 404
    illegal = client.post(f"/api/v1/requests/{number}/transitions", headers=bob, json={"action": "confirm"})
    assert illegal.status_code == 422 and illegal.json()["error"] == "InvalidTransition"
    assert "сейчас это действие невозможно" in illegal.json()["message"]
    refused = client.post(f"/api/v1/requests/{number}/transitions", headers=bob, json={"action": "accept"})
    assert refused.status_code == 403


def test_validation_errors_name_the_field(client: TestClient, sqlite_org: Org) -> None:
    bob = api_token(sqlite_org, "bob")
    response = client.post("/api/v1/requests", headers=bob, json={"type": "repair", "description": ""})
    assert response.status_code == 422 and response.json()["field"] == "description"
    malformed = client.post("/api/v1/requests", headers=bob, json={"type": 5, "lines": "many"})
    assert malformed.status_code == 400 and malformed.json()["error"] == "ValidationError"


def test_bad_token_and_session_cookie_do_not_open_the_api(client: TestClient, sqlite_org: Org) -> None:
    assert client.get("/api/v1/requests", headers={"Authorization": "Bearer hd_nope"}).status_code == 401


def test_openapi_schema_with_a_token(client: TestClient, sqlite_org: Org) -> None:
    schema = client.get("/schema/openapi.json", headers=api_token(sqlite_org, "alice"))
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/requests" in paths and "/api/v1/requests/{number}/transitions" in paths


def test_api_docs_page_is_ours_and_needs_a_login(client: TestClient, sqlite_org: Org) -> None:
    assert client.get("/schema", follow_redirects=False).status_code == 401
    page = client.get("/schema", headers=api_token(sqlite_org, "alice"))
    assert page.status_code == 200 and "/api/v1/requests/{number}/transitions" in page.text
    assert "cdn" not in page.text.lower() and "<script" not in page.text.lower()
