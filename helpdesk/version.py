"""What `helpdesk --version` prints: the release and the commit it was built from.

The executable's build (helpdesk.spec) writes the commit into the bundle as `helpdesk/COMMIT`; run
from a checkout, git is asked; installed from a plain source tree, the commit is unknown.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpdesk import __version__

STAMP = Path(__file__).with_name("COMMIT")


def commit() -> str:
    if STAMP.is_file():
        return STAMP.read_text(encoding="utf-8").strip()
    try:
        out = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def describe() -> str:
    return f"helpdesk {__version__}" + (f" (commit {stamp})" if (stamp := commit()) else "")

