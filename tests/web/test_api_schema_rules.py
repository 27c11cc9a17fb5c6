"""The API's schema states the domain's rules, from the domain's constants; the API is as strict as it says."""

from __future__ import annotations

from litestar.testing import TestClient

from helpdesk.core import lifecycle, people, tickets
from helpdesk.core.actors import ROLES
from helpdesk.i18n import LANGUAGES
from tests.conftest import Org
from tests.web.conftest import api_token


def test_enums_and_bounds_come_from_core(client: TestClient, sqlite_org: Org) -> None:
    schema = client.get("/schema/openapi.json", headers=api_token(sqlite_org, "alice")).json()
    parts = schema["components"]["schemas"]
    ticket, user = parts["TicketIn"]["properties"], parts["UserIn"]["properties"]
    assert ticket["type"]["enum"] == ["cartridges", "repair", "maintenance", "it_help", "other"]
    assert ticket["priority"]["enum"] == list(tickets.PRIORITIES)
    assert ticket["description"]["maxLength"] == tickets.MAX_TEXT
    assert parts["OrderLineIn"]["properties"]["quantity"]["maximum"] == tickets.MAX_QUANTITY
    assert user["role"]["enum"] == list(ROLES) and user["language"]["enum"] == list(LANGUAGES)
    assert user["display_name"]["minLength"] == 1 and user["display_name"]["maxLength"] == people.MAX_NAME
    assert parts["TransitionIn"]["properties"]["action"]["enum"] == list(lifecycle.TRANSITIONS)
    status = next(p for p in schema["paths"]["/api/v1/requests"]["get"]["parameters"] if p["name"] == "status")
    assert status["schema"]["oneOf"][0]["items"]["enum"] == list(lifecycle.STATUSES)


def test_what_the_schema_refuses_the_api_refuses(client: TestClient, sqlite_org: Org) -> None:
    alice = api_token(sqlite_org, "alice")
    bob_url = f"/api/v1/users/{sqlite_org.bob.id}"
    assert client.patch(bob_url, headers=alice, json={"active": 0}).status_code == 400  # booleans are strict
    blank = client.patch(bob_url, headers=alice, json={"display_name": "  "})
    assert (blank.status_code, blank.json()["field"]) == (422, "display_name")  # a value outside the schema
    no_type = client.post("/api/v1/requests", headers=alice, json={"type": ""})
    assert (no_type.status_code, no_type.json()["field"]) == (422, "type")
    assert client.get("/api/v1/requests?status=", headers=alice).status_code == 422
    assert client.get("/api/v1/requests?type=nope", headers=alice).status_code == 422
    assert client.get("/api/v1/requests?stauts=new", headers=alice).status_code == 400  # a typo filters nothing
    assert client.patch(bob_url, headers=alice, json={"active": False}).json()["active"] is False
    assert client.post("/api/v1/stock/adjustments", headers=api_token(sqlite_org, "sam"),
                       json={"cartridge_id": float(sqlite_org.toner.id), "delta": 1.0, "reason": "count"}
                       ).status_code == 201  # JSON's 1.0 is an integer
