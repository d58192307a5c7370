"""vlrgen: bilingual Voluntary Local Reviews on the SDGs, from Markdown and data to HTML and PDF.

The public face is small; everything else is private to its phase package and may change:

    from vlrgen import check_projects, build_projects, BuildOptions
    projects, problems = check_projects([Path("porsgrunn")])
    report = build_projects([Path("porsgrunn")], BuildOptions(out_dir=Path("output")))

Names are imported on first use, so `import vlrgen` stays cheap in worker processes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "BuildFailed",
    "BuildOptions",
    "BuildReport",
    "Location",
    "Problem",
    "Problems",
    "Project",
    "VlrgenError",
    "__version__",
    "assess_project",
    "build_projects",
    "check_projects",
    "gather_project",
]

_HOMES = {
    "Assessment": "vlrgen.judge.assessment",
    "assess_project": "vlrgen.judge.assessment",
    "BuildOptions": "vlrgen.build.pipeline",
    "BuildReport": "vlrgen.build.pipeline",
    "build_projects": "vlrgen.build.pipeline",
    "check_projects": "vlrgen.build.pipeline",
    "Project": "vlrgen.inputs.project",
    "gather_project": "vlrgen.inputs.project",
    "BuildFailed": "vlrgen.problems",
    "Location": "vlrgen.problems",
    "Problem": "vlrgen.problems",
    "Problems": "vlrgen.problems",
    "VlrgenError": "vlrgen.problems",
}

if TYPE_CHECKING:
    from vlrgen.build.pipeline import BuildOptions, BuildReport, build_projects, check_projects
    from vlrgen.inputs.project import Project, gather_project
    from vlrgen.judge.assessment import Assessment, assess_project
    from vlrgen.problems import BuildFailed, Location, Problem, Problems, VlrgenError


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'vlrgen' has no attribute {name!r}")
