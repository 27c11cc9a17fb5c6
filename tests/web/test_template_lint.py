"""Template mistakes no page test would notice until someone looks: caught by reading every template."""

from __future__ import annotations

import re
from pathlib import Path

import helpdesk.web

TEMPLATES = Path(helpdesk.web.__file__).parent / "templates"
# `counts.update` in Jinja is dict.update (a bound method, always true), not counts["update"]. (`items` is
# left out: `page.items` is a real attribute.)
DICT_METHOD = re.compile(r"\b\w+\.(update|keys|values|get|pop|copy|clear|setdefault)\b(?!\s*\()")


def test_no_dict_method_read_as_a_key() -> None:
    found = [f"{path.relative_to(TEMPLATES)}:{n}: {m.group(0)}"
             for path in TEMPLATES.rglob("*.html")
             for n, line in enumerate(path.read_text().splitlines(), 1)
             for m in DICT_METHOD.finditer(line) if "{" in line]
    assert not found, found


def test_no_markup_built_from_strings_in_templates() -> None:
    """`'<p>' ~ _(...)` escapes the literal once `_` returns Markup: the page prints the tags."""
    found = [f"{path.relative_to(TEMPLATES)}:{n}" for path in TEMPLATES.rglob("*.html")
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"""['"]<\w[^'"]*['"]\s*~""", line)]
    assert not found, found
