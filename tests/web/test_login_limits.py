"""Login throttling at the web edge: 429 with Retry-After and a translated message, by client address."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar.testing import TestClient

from helpdesk.core import throttle
from tests.conftest import Org
from tests.web.conftest import PASSWORD, api_token, csrf_token, set_password

ADDRESS = "testclient"  # the in-process client's peer address


def _flood(address: str = ADDRESS) -> None:
    for _ in range(throttle.ADDRESS_LIMIT):
        throttle.address_attempt(address)


def test_a_flooding_address_gets_429_on_the_login_form(client: TestClient, sqlite_org: Org) -> None:
    set_password(sqlite_org.alice)
    token = csrf_token(client)
    _flood()
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": token})
    assert response.status_code == 429 and 1 <= int(response.headers["retry-after"]) <= 60
    assert "Слишком много попыток входа" in response.text


def test_wrong_passwords_count_against_address_and_login(client: TestClient, sqlite_org: Org,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "ACCOUNT_FIRST_DELAY", dt.timedelta(minutes=1))  # outlast a slow machine's hashing
    set_password(sqlite_org.alice)
    token = csrf_token(client)
    for _ in range(throttle.ACCOUNT_FREE):
        client.post("/login", data={"username": "alice", "password": "wrong one", "_csrf_token": token})
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": token})
    assert response.status_code == 429 and 1 <= int(response.headers["retry-after"]) <= 60


def test_bad_api_tokens_count_and_good_ones_still_work(client: TestClient, sqlite_org: Org) -> None:
    good = api_token(sqlite_org, "bob")
    for _ in range(throttle.ADDRESS_LIMIT):
        assert client.get("/api/v1/requests", headers={"Authorization": "Bearer hd_guess"}).status_code == 401
    refused = client.get("/api/v1/requests", headers={"Authorization": "Bearer hd_guess"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"] == "RateLimited" and "Слишком много" in refused.json()["message"]
    assert client.get("/api/v1/requests", headers=good).status_code == 200
