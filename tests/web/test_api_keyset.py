"""The API list paged by `before` (keyset): the same requests as by `page`, newest first, on both engines."""

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


def _page(client: TestClient, headers: dict[str, str], **params: object) -> dict:
    response = client.get("/api/v1/requests", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_paging_by_before_lists_what_paging_by_page_does(any_client: TestClient, org: Org) -> None:
    for n in range(7):
        tickets.create(org.actor("bob" if n % 2 else "carl"), tickets.TicketDraft("repair", description=f"Jam {n}"))
    for persona in ("alice", "sam", "bob"):
        headers = api_token(org, persona)
        by_page = [t["number"] for p in range(1, 5) for t in _page(any_client, headers, per_page=2, page=p)["items"]]
        by_key, cursor, pages = [], None, 0
        while True:
            body = _page(any_client, headers, per_page=2, **({"before": cursor} if cursor else {}))
            by_key += [t["number"] for t in body["items"]]
            pages += 1
            cursor = body["next_before"]
            if cursor is None:
                break
            assert cursor == body["items"][-1]["number"]
        assert by_key == by_page and len(by_key) == len(set(by_key)) > 0, persona
        assert pages == -(-len(by_key) // 2), persona  # the last page says so: no empty page after it


def test_before_narrows_the_filter_and_its_total(any_client: TestClient, org: Org) -> None:
    made = [tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Jam {n}")) for n in range(5)]
    alice = api_token(org, "alice")
    body = _page(any_client, alice, before=made[2].number)
    assert [t["number"] for t in body["items"]] == [made[1].number, made[0].number]
    assert (body["total"], body["next_before"]) == (2, None)


def test_an_unknown_cursor_is_not_found_and_other_orders_filter(any_client: TestClient, org: Org) -> None:
    made = [tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Jam {n}")) for n in range(3)]
    alice = api_token(org, "alice")
    response = any_client.get("/api/v1/requests", headers=alice, params={"before": "1999-000001"})
    assert response.status_code == 404, response.text
    # In another order `before` still keeps the older requests, but offers no cursor: it pages by id.
    body = _page(any_client, alice, before=made[2].number, sort="created", per_page=1)
    assert ([t["number"] for t in body["items"]], body["total"], body["next_before"]) == ([made[0].number], 2, None)
