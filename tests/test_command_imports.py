"""Commands import what they use: `helpdesk invite` reads two settings rows, not the web server, the
queue or the bot (it loaded litestar, huey and httpx through the runtime: 879 modules, now ~400)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("litestar", "huey", "httpx", "aiogram", "uvicorn", "jinja2", "openpyxl")

PROBE = """
import sys
sys.argv = ["helpdesk", "invite", "--role", "admin", "--data-dir", sys.argv[1]]
from helpdesk.cli import main
try:
    code = main()
except SystemExit as exc:
    code = exc.code
print(code, " ".join(sorted({m.split(".")[0] for m in sys.modules} & set(%r))))
"""


def test_invite_imports_no_web_queue_or_bot(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,), str(tmp_path / "data")],
                            capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    code, _, heavy = result.stdout.strip().splitlines()[-1].partition(" ")
    assert code in ("0", "None"), result.stdout
    assert heavy == "", f"helpdesk invite imported {heavy}"


SERVE_PROBE = """
import sys
import helpdesk.runtime, helpdesk.web.app, helpdesk.bot
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"openpyxl"})))
"""


def test_serve_loads_openpyxl_only_on_demand() -> None:
    # openpyxl is ~6 MiB resident (#17's idle RSS): the imports and reports load it when a file is read or made
    result = subprocess.run([sys.executable, "-c", SERVE_PROBE], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"serve's modules imported {result.stdout.strip()}"
