"""What the API does with retries, control characters and absurd JSON: the same answer, clean text, a 400."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.db.models import Ticket
from tests.conftest import Org
from tests.web.conftest import api_token, csrf_token, login

REPAIR = {"type": "repair", "description": "Printer jams"}


def test_idempotency_key_replays_the_first_answer(client: TestClient, sqlite_org: Org) -> None:
    bob = {**api_token(sqlite_org, "bob"), "Idempotency-Key": "4f1c-retry"}
    first = client.post("/api/v1/requests", headers=bob, json=REPAIR)
    again = client.post("/api/v1/requests", headers=bob, json=REPAIR)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"] and Ticket.select().count() == 1
    other = client.post("/api/v1/requests", headers={**api_token(sqlite_org, "bea"), "Idempotency-Key": "4f1c-retry"},
                        json=REPAIR)
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]
    changed = client.post("/api/v1/requests", headers=bob, json={**REPAIR, "description": "Something else"})
    assert changed.status_code == 422 and changed.json()["field"] == "client_key"
    number = first.json()["number"]
    comments = [client.post(f"/api/v1/requests/{number}/comments", headers={**bob, "Idempotency-Key": "c1"},
                            json={"body": "Any news?"}) for _ in range(2)]
    assert comments[0].json()["id"] == comments[1].json()["id"]
    assert "Idempotency-Key" in client.get("/schema", headers=bob).text


def test_control_characters_are_cleaned_not_a_500(client: TestClient, sqlite_org: Org) -> None:
    bob = api_token(sqlite_org, "bob")
    made = client.post("/api/v1/requests", headers=bob, json={"type": "repair", "description": "Jam\u0000med\r\n"})
    assert made.status_code == 201 and made.json()["description"] == "Jammed"
    number = made.json()["number"]
    comment = client.post(f"/api/v1/requests/{number}/comments", headers=bob, json={"body": "a\u0000b\u001bc"})
    assert comment.status_code == 201 and comment.json()["body"] == "abc"
    assert client.get("/api/v1/requests", headers=bob, params={"text": "\x00", "branch": "B1"}).status_code == 200
    # a code with a control character is not a code the schema allows: refused, never a 500
    assert client.get("/api/v1/requests", headers=bob, params={"branch": "B\x001"}).status_code == 422
    assert client.get("/api/v1/requests/%00", headers=bob).status_code == 404
    login(client, sqlite_org.bob)
    assert client.get("/requests?q=%00").status_code == 200
    page = client.post("/requests/new", data={"type": "repair", "description": "Paper\x00 stuck",
                                               "_csrf_token": csrf_token(client, "/requests/new")},
                       follow_redirects=False)
    assert page.status_code == 303 and Ticket.get(Ticket.number != number).description == "Paper stuck"


def test_json_nested_too_deep_is_a_400(client: TestClient, sqlite_org: Org) -> None:
    bob = {**api_token(sqlite_org, "bob"), "Content-Type": "application/json"}
    for depth in (40, 1000, 100_000):
        body = '{"type": "repair", "description": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/api/v1/requests", headers=bob, content=body)
        assert response.status_code == 400, (depth, response.text)
        assert "nested too deeply" in str(response.json()["detail"]) or "вложен" in str(response.json()["detail"])
