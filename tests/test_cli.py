"""The CLI commands of the operator contract, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk import cli
from helpdesk.core.demo import load_demo
from helpdesk.db.database import close_database
from helpdesk.db.models import Branch, Invite, Ticket, User
from tests.support.botapi import BotApiEmulator


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("HELPDESK_DATABASE_URL", "HELPDESK_BOT_TOKEN", "HELPDESK_DATA_DIR", "HELPDESK_SMTP_HOST",
                 "HELPDESK_ONEC_URL", "HELPDESK_TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path / "data"
    close_database()


def test_user_add_with_password_from_stdin(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough secret\n"))
    assert cli.main(["user", "add", "Ольга Админова", "--role", "admin", "--username", "olga", "--password-stdin",
                     "--data-dir", str(data_dir)]) == 0
    assert "web login olga" in capsys.readouterr().out
    user = User.get(User.username == "olga")
    assert user.password_hash.startswith("$argon2") and user.role == "admin"
    assert user.must_change_password, "a password the operator typed for someone is changed at first login"


def test_user_add_errors_are_one_clear_line(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["user", "add", "Bob", "--role", "branch", "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.strip() == "helpdesk: Сотруднику филиала нужно указать филиал."
    assert cli.main(["user", "add", "Bob", "--role", "branch", "--branch", "NOPE", "--data-dir", str(data_dir)]) == 2
    assert "unknown branch code 'NOPE'" in capsys.readouterr().err


def test_invite_prints_a_deep_link(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["user", "add", "Boss", "--role", "admin", "--data-dir", str(data_dir)]) == 0
    Branch.create(code="B1", name="Branch one")
    close_database()
    with BotApiEmulator(username="acme_helpdesk_bot") as emu:
        monkeypatch.setenv("HELPDESK_BOT_TOKEN", emu.token)
        monkeypatch.setenv("HELPDESK_TELEGRAM_API_URL", emu.base_url)
        capsys.readouterr()
        assert cli.main(["invite", "--role", "branch", "--branch", "B1", "--uses", "0",
                         "--data-dir", str(data_dir)]) == 0
    link = capsys.readouterr().out.strip()
    invite = Invite.get()
    assert link == f"https://t.me/acme_helpdesk_bot?start={invite.code}"
    assert invite.max_uses is None and invite.branch.code == "B1"


def test_check_reports_each_part(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "ok  database" in out and "--  telegram bot" in out and "--  smtp" in out
    monkeypatch.setenv("HELPDESK_BOT_TOKEN", "1:bad")
    monkeypatch.setenv("HELPDESK_TELEGRAM_API_URL", "http://127.0.0.1:9")
    assert cli.main(["check", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "ERR telegram bot" in out and "1:bad" not in out


def test_bad_language_setting_is_one_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HELPDESK_LANG", "de")
    assert cli.main(["check", "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err.strip() == "helpdesk: HELPDESK_LANG must be ru or en, not 'de'"


def test_demo_organisation(org: object) -> None:
    # `org` puts personas in place; the demo refuses to load over an existing organisation.
    assert load_demo() is False


def test_demo_loads_once_into_an_empty_database(database: str) -> None:
    assert load_demo() is True
    assert Branch.select().count() == 5 and Ticket.select().count() == 42
    assert not User.select().where(User.must_change_password).exists(), "the demo's shared logins keep working"
    assert {t.status for t in Ticket.select()} >= {"new", "accepted", "in_progress", "resolved", "closed"}
    assert load_demo() is False


def test_serve_flags_work_without_the_word_serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(cli, "cmd_serve", lambda args, settings: seen.update(port=settings.port, demo=settings.demo) or 0)
    assert cli.main(["--data-dir", str(tmp_path), "--port", "9123", "--demo"]) == 0
    assert seen == {"port": 9123, "demo": True}


def test_env_example_is_generated_from_the_settings_table() -> None:
    from helpdesk.config import env_example

    assert (Path(__file__).parent.parent / ".env.example").read_text(encoding="utf-8") == env_example()


def _serve(data_dir: Path, monkeypatch: pytest.MonkeyPatch, *flags: str) -> int:
    from helpdesk import runtime
    from tests.support.postgres import free_port

    monkeypatch.setattr(runtime, "serve", lambda settings, app: None)
    code = cli.main(["--data-dir", str(data_dir), "--port", str(free_port()), *flags])
    close_database()
    return code


def test_serve_names_the_way_back_until_the_admin_logs_in(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert _serve(data_dir, monkeypatch, "--demo") == 0
    out = capsys.readouterr().out
    assert "First run: log in as 'admin'" in out and "set-password" not in out
    assert "Demo logins: store, store-spb, anna, petr, maria, ildar, elena; password demo-password" in out
    assert _serve(data_dir, monkeypatch) == 0
    out = capsys.readouterr().out
    assert "has not logged in yet" in out and "helpdesk user set-password admin" in out and "Demo logins" not in out
    cli._open_db(cli.load_settings({"data_dir": str(data_dir)}))
    User.update(last_login_at=User.created_at).where(User.username == "admin").execute()
    close_database()
    assert _serve(data_dir, monkeypatch) == 0
    assert "set-password" not in capsys.readouterr().out


def test_set_password_from_stdin(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from helpdesk.core import people
    from helpdesk.db.models import AuditEvent

    assert cli.main(["user", "add", "Admin", "--role", "admin", "--username", "admin", "--data-dir", str(data_dir)]) == 0
    User.update(must_change_password=True).where(User.username == "admin").execute()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert cli.main(["user", "set-password", "admin", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err.strip()  # the domain's password rule, translated, in one line
    assert err.startswith("helpdesk: Пароль") and "10" in err and "\n" not in err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a brand new secret\n"))
    assert cli.main(["user", "set-password", "ADMIN", "--data-dir", str(data_dir)]) == 0
    assert "password set for admin" in capsys.readouterr().out
    user = people.authenticate("admin", "a brand new secret")
    assert not user.must_change_password  # the operator chose it: no forced change
    event = AuditEvent.get(AuditEvent.action == "password_change")
    assert event.channel == "cli" and event.actor_id is None and event.entity_id == str(user.id)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a brand new secret\n"))
    assert cli.main(["user", "set-password", "nobody", "--data-dir", str(data_dir)]) == 1
    assert "nobody" in capsys.readouterr().err


def test_token_create_prints_it_once_and_revoke_stops_it(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpdesk.core import people
    from helpdesk.db.models import ApiToken

    assert cli.main(["user", "add", "Олег", "--role", "admin", "--username", "oleg", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    assert cli.main(["token", "create", "oleg", "1c-sync", "--data-dir", str(data_dir)]) == 0
    printed = capsys.readouterr()
    secret = printed.out.strip()
    assert secret.startswith("hd_") and "shown only now" in printed.err
    assert people.user_for_token(secret).username == "oleg"
    assert cli.main(["token", "create", "ghost", "x", "--data-dir", str(data_dir)]) == 1
    assert "ghost" in capsys.readouterr().err
    assert cli.main(["token", "revoke", "1c-sync", "--data-dir", str(data_dir)]) == 0
    assert "revoked token #" in capsys.readouterr().out
    assert people.user_for_token(secret) is None
    assert cli.main(["token", "revoke", "1c-sync", "--data-dir", str(data_dir)]) == 1  # no live token of that name
    token = ApiToken.get()
    assert cli.main(["token", "revoke", str(token.id), "--data-dir", str(data_dir)]) == 1
    assert "уже отозван" in capsys.readouterr().err
