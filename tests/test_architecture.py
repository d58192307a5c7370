"""The phases point one way: no package imports a later phase (README, "How the pipeline is built")."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vlrgen"

# Phase rank of each package or top-level module; a module may import only its own rank or lower.
RANK = {
    "problems": 0,
    "reference": 0,
    "inputs": 1,
    "fetch": 1,
    "judge": 2,
    "charts": 3,
    "report": 4,
    "output": 5,
    "build": 6,
    "cli": 7,
    "__init__": 7,
    "__main__": 7,
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def unit_of(path: Path) -> str:
    """The package (or top-level module) a source file belongs to."""
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 else Path(relative[0]).stem


def imported_units(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path.relative_to(PACKAGE)} uses a relative import; write vlrgen.<phase>.<module>")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vlrgen"):
            parts = node.module.split(".")
            found.update([parts[1]] if len(parts) > 1 else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("vlrgen."))
    return found


def test_every_module_belongs_to_a_phase():
    assert {unit_of(p) for p in modules()} <= set(RANK)


def test_every_phase_package_states_its_job():
    for package in (p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))), package.name


def test_no_package_imports_a_later_phase():
    for path in modules():
        own = RANK[unit_of(path)]
        later = {u for u in imported_units(path) if u in RANK and RANK[u] > own and u != "__version__"}
        assert not later, f"{path.relative_to(PACKAGE)} imports a later phase: {sorted(later)}"


def test_the_check_understands_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from vlrgen.build.pipeline import build_projects\n", encoding="utf-8")
    assert imported_units(bad) == {"build"}


def test_weasyprint_is_imported_only_when_a_pdf_is_made():
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {a.name for n in top_level for a in n.names} | {getattr(n, "module", "") or "" for n in top_level}
        assert not any(name.startswith("weasyprint") for name in names), path.name


def test_html_only_build_never_loads_weasyprint(make_project, tmp_path):
    import subprocess
    import sys

    project = make_project()
    code = (
        "import sys; from pathlib import Path; from vlrgen.build.pipeline import BuildOptions, build_projects; "
        f"r = build_projects([Path({str(project)!r})], BuildOptions(out_dir=Path({str(tmp_path / 'o')!r}))); "
        "assert not r.problems.errors; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


TEMPLATES = Path(__file__).resolve().parents[1] / "report_templates" / "templates"
# A count (`|length`, `|count`, `|sum`) or a path put together in a template: the planning phase or the page
# writer says it instead (README, "How the pipeline is built": templates only present).
COMPUTED = [
    (r"\|\s*(length|count|sum)\b", "counts"),
    (r"""(href|src)="[^"#{]+\{\{""", "puts a path together"),
    (r"""(href|src)="\{\{[^"]*\}\}[^"]+\"""", "puts a path together"),
    (r"""~\s*['"]/""", "puts a path together"),
]


def computed_in(text: str) -> list[tuple[int, str]]:
    import re

    return [
        (text.count("\n", 0, match.start()) + 1, what)
        for pattern, what in COMPUTED
        for match in re.finditer(pattern, text)
    ]


def test_templates_compute_no_count_and_no_path():
    found = [
        f"{path.name}:{line}: {what}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for line, what in computed_in(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_template_rule_catches_counts_and_paths():
    assert computed_in("{{ L.number(view.members|length, 0) }}") == [(1, "counts")]
    assert computed_in('<a href="../{{ other }}/index.html">') == [(1, "puts a path together")]
    assert computed_in('<a href="{{ r.slug }}/index.html">') == [(1, "puts a path together")]
    assert computed_in("{{ r.slug ~ '/assets/report.css' }}") == [(1, "puts a path together")]
    assert computed_in('<a href="{{ href }}">  <a href="#{{ anchor }}">') == []
