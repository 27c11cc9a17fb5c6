"""`helpdesk --version` names the release and the commit built (the executable has it stamped in)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpdesk import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_version_names_the_commit() -> None:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    out = subprocess.run([sys.executable, "-m", "helpdesk", "--version"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60, check=True).stdout.strip()
    assert out == f"helpdesk {__version__}" + (f" (commit {head})" if head else "")
