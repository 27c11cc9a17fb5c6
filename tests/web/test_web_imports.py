"""The web app depends on core and its own parts: loading it loads neither the assembly, the bot nor the queue."""

from __future__ import annotations

import subprocess
import sys

ASSEMBLY = ("helpdesk.runtime", "helpdesk.bot", "helpdesk.tasks", "helpdesk.checks", "aiogram", "huey")


def test_loading_the_web_app_loads_no_bot_queue_or_runtime() -> None:
    # A fresh interpreter: this test process has imported everything already.
    code = ("import sys, helpdesk.web.app; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {{'aiogram', 'huey'}} "
            f"or m.startswith({ASSEMBLY[:4]!r})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_building_the_web_app_loads_no_pydantic() -> None:
    # Litestar would add its pydantic plugins (importing pydantic: ~0.2 s of every start) for models we never use.
    code = ("import sys, tempfile; from helpdesk import runtime; from helpdesk.config import load_settings; "
            "s = load_settings({'data_dir': tempfile.mkdtemp()}, environ={}); runtime.prepare(s); "
            "runtime.build_app(runtime.build_services(s, with_queue=False)); "
            "print(sorted(m for m in sys.modules if m.startswith('pydantic')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
