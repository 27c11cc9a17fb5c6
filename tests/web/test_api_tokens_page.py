"""API tokens page: admins issue a token (its secret shown once), see when it was used, revoke it."""

from __future__ import annotations

import datetime as dt
import re

from litestar.testing import TestClient

from helpdesk.db.models import ApiToken, AuditEvent
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def _issue(client: TestClient, owner_id: int, name: str) -> str:
    token = csrf_token(client, "/org/tokens")
    made = client.post("/org/tokens", data={"name": name, "owner": str(owner_id), "_csrf_token": token},
                       follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/org/tokens"
    shown = client.get("/org/tokens")
    match = re.search(r'value="(hd_[^"]+)"', shown.text)
    assert match, "the new token is not on the page after issuing it"
    return match.group(1)


def test_issue_shows_the_secret_once_and_the_list_never(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    secret = _issue(client, sqlite_org.sam.id, "1C sync")
    again = client.get("/org/tokens")
    assert secret not in again.text and "1C sync" in again.text and "Sam" in again.text
    assert "Кладовщик" in again.text and "никогда" in again.text  # role, never used
    token = ApiToken.get(ApiToken.name == "1C sync")
    assert token.user_id == sqlite_org.sam.id and token.token_hash != secret
    event = AuditEvent.get(AuditEvent.action == "token_issue")
    assert event.actor_id == sqlite_org.alice.id and event.channel == "web" and secret not in str(event.after)


def test_the_token_works_records_last_use_and_stops_when_revoked(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    secret = _issue(client, sqlite_org.bob.id, "kiosk")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/requests", headers=bearer).status_code == 200
    token = ApiToken.get(ApiToken.name == "kiosk")
    assert token.last_used_at is not None
    # Used again within the minute: no write per call.
    ApiToken.update(last_used_at=token.last_used_at - dt.timedelta(seconds=30)).execute()
    client.get("/api/v1/requests", headers=bearer)
    assert ApiToken.get_by_id(token.id).last_used_at == token.last_used_at - dt.timedelta(seconds=30)
    confirm = client.get(f"/org/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "kiosk" in confirm.text and 'method="post"' in confirm.text
    assert ApiToken.get_by_id(token.id).revoked_at is None  # asking is not revoking
    revoked = client.post(f"/org/tokens/{token.id}/revoke", data={"_csrf_token": csrf_token(client, "/org/tokens")},
                          follow_redirects=False)
    assert revoked.status_code == 303
    assert client.get("/api/v1/requests", headers=bearer).status_code == 401
    assert AuditEvent.select().where((AuditEvent.action == "token_revoke")
                                     & (AuditEvent.entity_id == str(token.id))).count() == 1
    twice = client.post(f"/org/tokens/{token.id}/revoke", data={"_csrf_token": csrf_token(client, "/org/tokens")})
    assert twice.status_code == 409 and "уже отозван" in twice.text


def test_bad_input_is_a_clear_error(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/org/tokens")
    no_owner = client.post("/org/tokens", data={"name": "x", "owner": "", "_csrf_token": token})
    assert no_owner.status_code == 422 and "владельца" in no_owner.text
    no_name = client.post("/org/tokens", data={"name": " ", "owner": str(sqlite_org.sam.id), "_csrf_token": token})
    assert no_name.status_code == 422 and ApiToken.select().count() == 0
    assert client.get("/org/tokens/999/revoke").status_code == 404


def test_only_admins(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    assert client.get("/org/tokens").status_code == 403
    assert client.get("/org/branches").status_code == 403
