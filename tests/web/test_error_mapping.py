"""The web edge's one translation of errors: domain errors to statuses, 405 with Allow, no tracebacks."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from helpdesk.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from helpdesk.web.errors import status_of
from tests.conftest import Org
from tests.web.conftest import api_token, login


@pytest.mark.parametrize(("error", "status"), [(Forbidden, 403), (NotFound, 404), (Conflict, 409),
                                               (InvalidTransition, 422), (ValidationError, 422),
                                               (DomainError, 400)])
def test_each_domain_error_has_one_status(error: type[DomainError], status: int) -> None:
    assert status_of(error("x")) == status


def test_405_says_which_methods_the_address_takes(client: TestClient, sqlite_org: Org) -> None:
    alice = api_token(sqlite_org, "alice")
    api = client.delete("/api/v1/requests", headers=alice)
    assert api.status_code == 405 and api.json()["error"] == "MethodNotAllowed"
    assert {"GET", "POST"} <= {m.strip() for m in api.headers["allow"].split(",")}
    login(client, sqlite_org.alice)
    page = client.put("/org/users")
    assert page.status_code == 405 and "text/html" in page.headers["content-type"]
    assert {"GET", "POST"} <= {m.strip() for m in page.headers["allow"].split(",")}
    static = client.post("/static/app.css")
    assert static.status_code == 405 and "GET" in static.headers["allow"]


def test_admin_pages_are_closed_to_staff_by_their_group_guard(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    for path in ("/org/users", "/org/branches", "/catalog/cartridges", "/import", "/audit", "/settings"):
        assert client.get(path).status_code == 403, path
    assert client.get("/stock").status_code == 200  # staff pages: a storekeeper's own warehouse


def test_stock_is_closed_to_branch_staff(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    assert client.get("/stock").status_code == 403
    assert client.get("/requests").status_code == 200
