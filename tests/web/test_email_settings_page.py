"""Settings → Email: saved values win over the environment, the password is write-only, and the test
email says what the real SMTP server answered in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import email_settings
from helpdesk.db.models import AuditEvent, Setting
from tests.conftest import Org
from tests.support.smtp import PASSWORD, USER, SmtpServer
from tests.web.conftest import csrf_token, login


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    yield server
    server.stop()


@pytest.fixture
def env_client(sqlite_org: Org, sqlite_db: str, tmp_path: Path, smtp: SmtpServer) -> Iterator[TestClient]:
    environ = {"HELPDESK_SMTP_HOST": "127.0.0.1", "HELPDESK_SMTP_PORT": str(smtp.port),
               "HELPDESK_SMTP_USER": USER, "HELPDESK_SMTP_PASSWORD": "wrong-one", "HELPDESK_SMTP_FROM": "hd@example.org"}
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ=environ)
    services = runtime.build_services(settings, with_queue=False)
    with TestClient(app=runtime.build_app(services)) as client:
        yield client


def _post(client: TestClient, **data: str):  # noqa: ANN202 - the test client's response
    token = csrf_token(client, "/settings")
    return client.post("/settings/email", data={**data, "_csrf_token": token}, follow_redirects=False)


def test_environment_then_panel_password_wins(env_client: TestClient, sqlite_org: Org, smtp: SmtpServer) -> None:
    login(env_client, sqlite_org.alice)
    page = env_client.get("/settings").text
    assert "Действует: 127.0.0.1 (переменная окружения)." in page
    wrong = _post(env_client, action="test", test_to="me@example.org")
    assert wrong.status_code == 200 and "Сервер не принял логин или пароль." in wrong.text
    saved = _post(env_client, action="save", smtp_password=PASSWORD, smtp_from="desk@example.org",
                  smtp_security="starttls")
    assert saved.status_code == 303
    page = env_client.get("/settings").text
    assert PASSWORD not in page and "Пароль сохранён здесь" in page
    assert "Действует: desk@example.org (сохранено здесь)." in page
    assert env_client.app.state.services.settings.smtp.password == PASSWORD, "applies without a restart"
    sealed = Setting.get_by_id(email_settings.PASSWORD_KEY).value
    assert PASSWORD not in str(sealed)
    event = AuditEvent.get(AuditEvent.action == "smtp_save")
    assert PASSWORD not in str(event.after) and event.after["smtp_password"] == "set"
    right = _post(env_client, action="test", test_to="me@example.org")
    assert "Сервер принял тестовое письмо для me@example.org." in right.text
    assert smtp.inbox.messages[-1][:2] == ("desk@example.org", ["me@example.org"])


def test_bad_values_come_back_next_to_their_field(env_client: TestClient, sqlite_org: Org) -> None:
    login(env_client, sqlite_org.alice)
    refused = _post(env_client, action="save", smtp_host="smtp example", smtp_port="99999")
    assert refused.status_code == 303
    page = env_client.get("/settings")
    assert page.status_code == 422 and "Введите имя сервера" in page.text and 'value="smtp example"' in page.text
    assert email_settings.saved_plain()["smtp_host"] == ""


def test_only_admins(env_client: TestClient, sqlite_org: Org) -> None:
    login(env_client, sqlite_org.sam)
    token = csrf_token(env_client, "/")
    assert env_client.post("/settings/email", data={"action": "test", "test_to": "a@b.cd",
                                                    "_csrf_token": token}).status_code == 403
