"""The API list's total: exact up to a cap, then a lower bound marked `total_capped`, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import tickets
from tests.conftest import Org
from tests.web.conftest import api_token


@pytest.fixture
def any_client(org: Org, database: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": database}, environ={})
    with TestClient(app=runtime.build_app(runtime.build_services(settings, with_queue=False))) as test_client:
        yield test_client


def _listed(client: TestClient, headers: dict[str, str], **params: object) -> tuple[int, bool, int]:
    response = client.get("/api/v1/requests", headers=headers, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["total"], body["total_capped"], len(body["items"])


def test_the_total_is_exact_up_to_the_cap_then_a_lower_bound(any_client: TestClient, org: Org,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(7):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {n} jams"))
    alice = api_token(org, "alice")
    assert _listed(any_client, alice) == (7, False, 7)
    monkeypatch.setattr(tickets, "COUNT_LIMIT", 3)
    assert _listed(any_client, alice, per_page=2) == (3, True, 2)  # at least 3
    assert _listed(any_client, alice) == (7, False, 7)  # a page of 50 is counted to its end
    # Paging deeper counts to the end of the page asked for: capped means more pages follow it.
    assert _listed(any_client, alice, per_page=2, page=3) == (6, True, 2)
    assert _listed(any_client, alice, per_page=2, page=4) == (7, False, 1)
    assert _listed(any_client, alice, status="new", branch="B2") == (0, False, 0)


def test_the_schema_documents_the_capped_total(any_client: TestClient, org: Org) -> None:
    schema = any_client.get("/schema/openapi.json", headers=api_token(org, "alice")).json()
    page = schema["components"]["schemas"]["TicketPage"]
    assert page["properties"]["total_capped"]["type"] == "boolean"
    listing = schema["paths"]["/api/v1/requests"]["get"]
    assert "total_capped" in listing["description"]
