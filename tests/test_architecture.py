"""Module dependencies point one way: problems ← config ← {i18n, content, data} ← assess ← charts ← render ← pdf ← build ← cli."""

import ast
from pathlib import Path

ORDER = ["problems", "reference", "config", "i18n", "content", "data", "assess", "charts", "render", "pdf", "build", "cli"]
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vlrgen"


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found - {"__init__"}


def test_no_module_imports_a_later_phase():
    for position, module in enumerate(ORDER):
        later = set(ORDER[position + 1:])
        assert not (imports_of(module) & later), f"{module} imports {imports_of(module) & later}"


def test_build_does_not_import_weasyprint_at_module_level():
    for module in ORDER:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {a.name for n in top_level for a in n.names} | {getattr(n, "module", "") or "" for n in top_level}
        assert not any(name.startswith("weasyprint") for name in names), module
