"""The settings page says where each value the panel can also save comes from."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def test_the_language_shows_its_source_default_then_panel(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    assert "Действует: ru (значение по умолчанию)" in client.get("/settings").text
    token = csrf_token(client, "/settings")
    saved = client.post("/settings/general", data={"org_name": "Acme", "language": "en",
                                                   "timezone": "Europe/Moscow", "_csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/settings").text  # the admin's own language is still Russian
    assert "Действует: en (сохранено здесь)" in page
    assert "HELPDESK_LANG: ru" in page  # what the server starts with, not what the panel saved
