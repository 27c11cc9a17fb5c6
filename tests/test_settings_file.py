"""The data dir's settings file (written by the move to PostgreSQL): under flags and the environment, over
`.env`; the password in it sealed with the instance key."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.config import ConfigError, load_settings, read_settings_file, save_database_url

URL = "postgresql://helpdesk:p%40ss word@db.local:5433/helpdesk?sslmode=disable"


def test_the_recorded_url_sits_between_the_environment_and_dotenv(tmp_path: Path) -> None:
    path = save_database_url(tmp_path, URL)
    text = path.read_text()
    assert "p%40ss" not in text and "p@ss" not in text and "postgresql://helpdesk@db.local:5433/helpdesk" in text
    assert path.stat().st_mode & 0o077 == 0
    env_file = tmp_path / ".env"
    env_file.write_text("HELPDESK_DATABASE_URL=sqlite:///from-dotenv.db\n")

    from_file = load_settings({"data_dir": str(tmp_path)}, environ={}, env_file=env_file)
    assert (from_file.database_url, from_file.source("database_url")) == (read_settings_file(tmp_path)["database_url"],
                                                                          "file")
    assert "p%40ss%20word@" in from_file.database_url or "p%40ss word@" in from_file.database_url
    environment = load_settings({"data_dir": str(tmp_path)}, environ={"HELPDESK_DATABASE_URL": "sqlite:///e.db"},
                                env_file=env_file)
    assert (environment.database_url, environment.source("database_url")) == ("sqlite:///e.db", "environment")
    flag = load_settings({"data_dir": str(tmp_path), "database_url": "sqlite:///f.db"}, environ={})
    assert flag.source("database_url") == "flag"


def test_a_password_sealed_with_another_key_is_a_one_line_error(tmp_path: Path) -> None:
    save_database_url(tmp_path, URL)
    (tmp_path / "secret_key").write_text("00" * 32)
    with pytest.raises(ConfigError, match="another secret key"):
        load_settings({"data_dir": str(tmp_path)}, environ={})
