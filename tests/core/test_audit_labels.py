"""Every audit action written anywhere in the program has a label: the log never shows a program key."""

from __future__ import annotations

import ast
from pathlib import Path

import helpdesk
from helpdesk.core.audit import ACTION_LABELS
from helpdesk.core.lifecycle import TRANSITIONS

ROOT = Path(helpdesk.__file__).parent


def _constants(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def recorded_actions() -> set[str]:
    """The action argument of every `audit.record(...)` call whose action is written out in the call."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and len(node.args) > 1):
                found.update(_constants(node.args[1]))
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions() | set(TRANSITIONS)
    assert {"password_change", "user_create", "bulk_import", "token_issue", "token_revoke",
            "sessions_end", "accept"} <= actions, "the collector finds the calls"
    assert sorted(actions - set(ACTION_LABELS)) == []
