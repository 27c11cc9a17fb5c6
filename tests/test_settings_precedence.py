"""Settings: one precedence rule (panel > flag > environment > .env > default), the key file read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk import config
from helpdesk.bot.routers.common import menu_for
from helpdesk.config import load_settings, with_saved


def test_each_value_says_where_it_comes_from_and_the_panel_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HELPDESK_LANG=en\nHELPDESK_PORT=9001\n")
    settings = load_settings({"data_dir": str(tmp_path), "port": 9002}, environ={"HELPDESK_BOT_TOKEN": "1:env"},
                             env_file=env_file)
    assert (settings.port, settings.source("port")) == (9002, "flag")
    assert (settings.bot_token, settings.source("bot_token")) == ("1:env", "environment")
    assert (settings.lang, settings.source("lang")) == ("en", ".env")
    assert (settings.host, settings.source("host")) == ("0.0.0.0", "default")

    saved = with_saved(settings, {"bot_token": "2:panel", "lang": "ru"})
    assert (saved.bot_token, saved.source("bot_token")) == ("2:panel", "panel")
    assert (saved.lang, saved.source("lang")) == ("ru", "panel")
    nothing_saved = with_saved(settings, {"bot_token": None, "lang": ""})
    assert nothing_saved == settings and nothing_saved.source("lang") == ".env"
    with pytest.raises(ValueError):
        with_saved(settings, {"port": "1"})  # not a setting the panel can save


def test_the_secret_key_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, environ={})
    reads = []
    real = config.load_secret_key
    monkeypatch.setattr(config, "load_secret_key", lambda path: reads.append(path) or real(path))
    key = settings.secret_key
    assert len(key) == 32 and settings.secret_key == key
    assert with_saved(settings, {"lang": "en"}).secret_key == key
    assert len(reads) == 1


def test_the_bot_offers_the_mini_app_only_over_https(tmp_path: Path) -> None:
    plain = load_settings({"data_dir": str(tmp_path), "public_url": "http://help.example"}, environ={})
    assert plain.miniapp_url is None
    assert all(button.web_app is None for row in menu_for(plain, "en").keyboard for button in row)
    settings = load_settings({"data_dir": str(tmp_path), "public_url": "https://help.example"}, environ={})
    assert settings.miniapp_url == "https://help.example/miniapp/"
    assert any(button.web_app for row in menu_for(settings, "en").keyboard for button in row)
