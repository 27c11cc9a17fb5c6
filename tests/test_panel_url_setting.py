"""HELPDESK_PANEL_URL: the address put in messages, validated like the others, never from a request."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from helpdesk.config import ConfigError, Settings, load_settings


def _settings(tmp_path: Path, **environ: str) -> Settings:
    return load_settings({"data_dir": str(tmp_path)}, environ=environ, env_file=tmp_path / "none.env")


def test_default_is_this_computer_and_port(tmp_path: Path) -> None:
    assert _settings(tmp_path).panel_url == f"http://{socket.gethostname()}:8080"
    assert _settings(tmp_path, HELPDESK_HOST="192.168.1.5", HELPDESK_PORT="9000").panel_url == \
        "http://192.168.1.5:9000"


def test_a_configured_address_is_used_as_given(tmp_path: Path) -> None:
    settings = _settings(tmp_path, HELPDESK_PANEL_URL="https://helpdesk.corp.local/", HELPDESK_PORT="9000")
    assert settings.panel_url == "https://helpdesk.corp.local"


@pytest.mark.parametrize("value", ["helpdesk.local", "ftp://helpdesk.local", "http://", "http://x/?a=1"])
def test_a_bad_address_fails_in_one_line(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="HELPDESK_PANEL_URL"):
        _settings(tmp_path, HELPDESK_PANEL_URL=value)


def test_forwarded_headers_are_believed_from_the_local_proxy_only_by_default(tmp_path: Path) -> None:
    assert _settings(tmp_path).trusted_proxies == "127.0.0.1"
    assert _settings(tmp_path, HELPDESK_TRUSTED_PROXIES=" 10.0.0.2,10.0.0.3 ").trusted_proxies == "10.0.0.2,10.0.0.3"
