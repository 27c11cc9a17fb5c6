"""One signing key for instances: HELPDESK_SECRET_KEY, else the data dir's file, made once even when
several processes start at the same moment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.config import ConfigError, load_settings


def test_the_environment_key_wins_over_the_file(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, environ={"HELPDESK_SECRET_KEY": "0f" * 32})
    assert settings.secret_key == bytes.fromhex("0f" * 32)
    assert not (tmp_path / "secret_key").exists(), "no file is made when the key is given"
    assert settings.redacted()["secret_key_hex"] == "***"


@pytest.mark.parametrize("bad", ["short", "zz" * 32, "0f" * 31])
def test_a_bad_key_stops_in_one_line(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="64 hex characters") as refused:
        load_settings({"data_dir": str(tmp_path)}, environ={"HELPDESK_SECRET_KEY": bad})
    assert bad not in str(refused.value), "the key is never echoed"


def test_processes_starting_together_share_one_key_file(tmp_path: Path) -> None:
    code = "import sys; from helpdesk.config import load_secret_key; print(load_secret_key(__import__('pathlib').Path(sys.argv[1])).hex())"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
             for _ in range(6)]
    keys = {proc.communicate(timeout=60)[0].strip() for proc in procs}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no draft is left behind"
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
