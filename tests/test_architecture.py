"""The import graph keeps the layers apart: channels over the domain, the domain over the database.

Imports are read with `ast` (those inside functions too), so a lazy import cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import helpdesk

PACKAGE = Path(helpdesk.__file__).parent

# part -> parts it must never import
FORBIDDEN = {
    "core": {"web", "bot", "tasks", "notify", "runtime"},
    "db": {"core", "web", "bot", "tasks", "notify", "runtime"},
    "web": {"bot", "runtime"},
    "bot": {"web", "runtime"},
    "notify": {"bot", "web", "runtime"},
}

def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> set[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from helpdesk import runtime`
    return found


def _part(name: str) -> str | None:
    pieces = name.split(".")
    return pieces[1] if len(pieces) > 1 and pieces[0] == "helpdesk" else None


def edges() -> set[tuple[str, str]]:
    result = set()
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        for name in _imports(path, module):
            if (part := _part(name)) is not None:
                result.add((module, part))
    return result


def test_layers_import_only_downwards() -> None:
    broken = sorted((module, part) for module, part in edges()
                    if part in FORBIDDEN.get(_part(module) or "", ()))
    assert broken == [], "forbidden imports: " + ", ".join(f"{m} -> {p}" for m, p in broken)


def test_the_reader_sees_imports_in_every_form(tmp_path: Path) -> None:
    """Lazy, relative and `from package import module` imports count as much as plain ones."""
    source = tmp_path / "tickets.py"
    source.write_text("def f():\n    import helpdesk.tasks.jobs\nfrom .. import web\nfrom ..bot.texts import fit\n"
                      "from helpdesk import runtime\n")
    parts = {_part(name) for name in _imports(source, "helpdesk.core.tickets")}
    assert {"tasks", "web", "bot", "runtime"} <= parts
