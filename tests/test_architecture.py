"""Module dependencies point one way: problems ← config ← {i18n, content, data} ← assess ← charts ← render ← pdf ← build ← cli."""

import ast
from pathlib import Path

ORDER = ["problems", "reference", "config", "i18n", "content", "readers", "entities", "survey", "sources", "data", "assess", "aggregate", "describe", "charts",
         "comparison_charts", "compare", "render", "review",
         "pdf", "artifacts", "fetch", "build", "export", "cli"]
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vlrgen"


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vlrgen"):
            parts = node.module.split(".")
            found.update([parts[1]] if len(parts) > 1 else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("vlrgen."))
    return found - {"__init__"}


def test_every_module_has_a_place_in_the_order():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules == set(ORDER)


def test_no_module_imports_a_later_phase():
    for position, module in enumerate(ORDER):
        later = set(ORDER[position + 1:])
        assert not (imports_of(module) & later), f"{module} imports {imports_of(module) & later}"


def test_weasyprint_is_imported_only_when_a_pdf_is_made():
    for module in ORDER:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {a.name for n in top_level for a in n.names} | {getattr(n, "module", "") or "" for n in top_level}
        assert not any(name.startswith("weasyprint") for name in names), module


def test_html_only_build_never_loads_weasyprint(make_project, tmp_path):
    import subprocess
    import sys

    project = make_project()
    code = ("import sys; from pathlib import Path; from vlrgen.build import BuildOptions, build_projects; "
            f"r = build_projects([Path({str(project)!r})], BuildOptions(out_dir=Path({str(tmp_path / 'o')!r}))); "
            "assert not r.problems.errors; print('weasyprint' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
