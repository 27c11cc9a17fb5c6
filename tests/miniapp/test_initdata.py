"""Every Mini App call proves who it is with Telegram's signed initData, and only with that."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest
from litestar.testing import TestClient

from helpdesk.db.models import User
from tests.conftest import Org
from tests.miniapp.signing import headers, init_data


def _me(client: TestClient, value: str | None) -> tuple[int, dict]:
    response = client.get("/miniapp/api/me", headers={} if value is None else {"Authorization": f"tma {value}"})
    return response.status_code, response.json()


def test_valid_init_data_is_the_stored_user(client: TestClient, sqlite_org: Org) -> None:
    status, body = _me(client, init_data(sqlite_org.bob.telegram_id))
    assert status == 200
    assert (body["name"], body["role"], body["branch"]) == ("Bob", "branch", "Branch one")


def test_one_changed_field_is_refused(client: TestClient, sqlite_org: Org) -> None:
    fields = dict(parse_qsl(init_data(sqlite_org.bob.telegram_id)))
    fields["user"] = fields["user"].replace(str(sqlite_org.bob.telegram_id), str(sqlite_org.alice.telegram_id))
    status, body = _me(client, urlencode(fields))
    assert status == 401
    assert body["error"] == "InitDataRefused"
    assert "не прошли проверку" in body["message"]  # Russian: no user yet, so the default language


def test_data_signed_with_another_bot_token_is_refused(client: TestClient, sqlite_org: Org) -> None:
    status, body = _me(client, init_data(sqlite_org.bob.telegram_id, token="654321:OTHER-BOT"))
    assert (status, body["error"]) == (401, "InitDataRefused")


def test_expired_launch_is_refused(client: TestClient, sqlite_org: Org) -> None:
    status, body = _me(client, init_data(sqlite_org.bob.telegram_id, auth_date=time.time() - 86400 - 60))
    assert (status, body["error"]) == (401, "InitDataRefused")
    fresh_enough, _ = _me(client, init_data(sqlite_org.bob.telegram_id, auth_date=time.time() - 86400 + 60))
    assert fresh_enough == 200


@pytest.mark.parametrize("value", [None, "", "query_id=x&auth_date=1&user=%7B%7D"])
def test_missing_data_or_hash_is_refused(client: TestClient, value: str | None) -> None:
    status, body = _me(client, value)
    assert (status, body["error"]) == (401, "InitDataRefused")


def test_a_panel_session_does_not_count(client: TestClient) -> None:
    response = client.get("/miniapp/api/me", headers={"Authorization": "Bearer whatever"})
    assert response.status_code == 401


def test_unknown_telegram_user_is_sent_to_the_bot(client: TestClient) -> None:
    status, body = _me(client, init_data(999_999, language="en"))
    assert status == 403
    assert body == {"error": "UnknownUser", "message": "You have no access yet. Send /start to ask for it."}


def test_blocked_user_is_refused(client: TestClient, sqlite_org: Org) -> None:
    User.update(active=False).where(User.id == sqlite_org.bob.id).execute()
    status, body = _me(client, init_data(sqlite_org.bob.telegram_id))
    assert (status, body["error"]) == (403, "Forbidden")
    assert body["message"] == "Ваша учётная запись деактивирована."


def test_texts_are_public_and_translated(client: TestClient) -> None:
    ru = client.get("/miniapp/api/texts").json()
    en = client.get("/miniapp/api/texts?lang=en").json()
    assert (ru["lang"], en["lang"]) == ("ru", "en")
    assert en["texts"]["my"] == "My requests" and ru["texts"]["my"] != "My requests"


def test_shell_headers_let_telegram_frame_it_and_set_no_cookie(client: TestClient, sqlite_org: Org) -> None:
    response = client.get("/miniapp/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors https://web.telegram.org https://*.telegram.org" in csp
    assert "script-src 'self' https://telegram.org;" in csp
    assert "x-frame-options" not in response.headers
    assert "set-cookie" not in response.headers
    assert client.get("/miniapp/api/me", headers=headers(sqlite_org.bob.telegram_id)).status_code == 200
