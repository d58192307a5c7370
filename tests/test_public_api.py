"""The public face: every name in `vlrgen.__all__` resolves, and importing vlrgen loads no phase."""

import subprocess
import sys
from pathlib import Path

import vlrgen


def test_every_public_name_resolves():
    for name in vlrgen.__all__:
        assert getattr(vlrgen, name) is not None, name


def test_importing_vlrgen_is_cheap():
    code = "import sys, vlrgen; print(any(m.startswith('vlrgen.') for m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


def test_the_package_is_typed():
    assert (Path(vlrgen.__file__).parent / "py.typed").is_file()
