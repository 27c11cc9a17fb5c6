"""Litestar's own refusals (413, 405, 404, CSRF) reach people as translated messages, never its English."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import Org
from tests.web.conftest import api_token, csrf_token, login

TOO_BIG = 10_000_001 + 1024  # just over Litestar's default body limit


def test_a_too_large_form_gets_a_russian_page(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.bob)
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", content=b"description=" + b"x" * TOO_BIG,
                           headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token})
    assert response.status_code == 413
    assert "Слишком много данных" in response.text and "файл поменьше" in response.text
    assert "went wrong" not in response.text and "Request Entity" not in response.text


def test_a_too_large_api_call_gets_russian_json(client: TestClient, sqlite_org: Org) -> None:
    response = client.post("/api/v1/requests", content=b'{"description": "' + b"x" * TOO_BIG + b'"}',
                           headers={**api_token(sqlite_org, "bob"), "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "TooLarge" and "файл поменьше" in response.json()["message"]


def test_wrong_method_unknown_page_and_expired_form_speak_russian(client: TestClient, sqlite_org: Org) -> None:
    wrong_method = client.put("/login")
    assert wrong_method.status_code == 405 and "Метод не разрешён" in wrong_method.text
    assert "такой вид запроса" in wrong_method.text
    assert "Method Not Allowed" not in wrong_method.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Страница не найдена" in missing.text
    login(client, sqlite_org.bob)
    expired = client.post("/requests/new", data={"type": "repair", "_csrf_token": "stale"})
    assert expired.status_code == 403 and "Форма устарела" in expired.text


def test_litestars_field_errors_come_translated(client: TestClient, sqlite_org: Org) -> None:
    response = client.get("/api/v1/requests?page=abc", headers=api_token(sqlite_org, "bob"))
    assert response.status_code == 400
    assert response.json()["detail"] == [{"key": "page", "source": "query",
                                          "message": "Значение неверного типа или формата."}]


def test_the_routers_own_404_speaks_the_persons_language_with_their_navigation(
        client: TestClient, sqlite_org: Org) -> None:
    # No route matches an unknown address, so no middleware runs: the page still reads the session.
    login(client, sqlite_org.bob)
    client.post("/lang", data={"lang": "en", "next": "/", "_csrf_token": csrf_token(client, "/")})
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.text and "Страница" not in missing.text
    assert sqlite_org.bob.display_name in missing.text  # their navigation, not a stranger's
    assert client.get("/requests/2001-999999").status_code == 404  # a route's own 404 is unchanged
