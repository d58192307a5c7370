"""A packaged library's values as read once, shipped beside its files: the read form of the library.

Reading the national library's 21 MB of unchanged public files (CSV and spreadsheets) takes about as long
as laying out two reports, and every cold build, `vlrgen check` and new output folder paid it again. Like
Python's compiled modules, the library ships its read form: `compiled.json.gz` holds every observation,
with its cited cell, and every problem the reading found, as reading the files gives them.

It is used only when its key matches: a digest of the sources file, every source file it declares (name
and bytes) and the code that reads data (`reading_code_digest`). Any change to a file or to that code
means the files are read again, so a stale read form is never used; the tests check that the shipped one
is current and equal to reading the files. After changing the library or the reading code, write it again:

    .venv/bin/python -m vlrgen.inputs.compiled
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import sys
import zlib
from pathlib import Path

from vlrgen import problems as problems_module
from vlrgen import reference
from vlrgen.inputs.dataset import Observation
from vlrgen.inputs.library import Library
from vlrgen.inputs.sources import SourceSpec
from vlrgen.problems import Location, Problem, Severity

__all__ = ["COMPILED_NAME", "compile_library", "library_key", "read_compiled", "reading_code_digest"]

COMPILED_NAME = "compiled.json.gz"
FORMAT = 1


@functools.cache
def reading_code_digest() -> str:
    """All of the input phase, the problem types and the packaged reference data (populations, codes): a
    change to how files are read must not reuse old results. (Only regular files: an editor's lock file
    beside a module is not code.)"""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*.py") if p.is_file())
    files += [Path(reference.__file__), Path(problems_module.__file__)]
    files += sorted(Path(reference.__file__).with_suffix("").glob("*.csv"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def library_key(library: Library, specs: list[SourceSpec]) -> str:
    """What the read form depends on: the sources file, each declared file (where, and its bytes) and the
    reading code."""
    digest = hashlib.sha256(f"{FORMAT}|{reading_code_digest()}".encode())
    digest.update(hashlib.sha256(library.sources.read_bytes()).digest())
    for path in sorted({spec.path for spec in specs}):
        digest.update(json.dumps(_relative(path, library.folder)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return digest.hexdigest()


def read_compiled(library: Library, specs: list[SourceSpec]) -> tuple[list[Observation], list[Problem]] | None:
    """The library's observations and reading problems from its read form, or None when there is none, it
    does not match the files and code now, or it is damaged (then the files are read).

    The file is a header line (format, key, and the SHA-256 of the rest) and the values as JSON."""
    path = library.folder / COMPILED_NAME
    if not path.is_file():
        return None
    try:
        header, _, body = gzip.decompress(path.read_bytes()).partition(b"\n")
        about = json.loads(header)
        if (
            not isinstance(about, dict)
            or about.get("format") != FORMAT
            or about.get("key") != library_key(library, specs)
            or about.get("body") != hashlib.sha256(body).hexdigest()
        ):
            return None
        return _values(json.loads(body), library.folder)
    except (OSError, EOFError, zlib.error, ValueError, TypeError, KeyError, IndexError):
        return None


def _values(stored: dict, folder: Path) -> tuple[list[Observation], list[Problem]]:
    bases = (folder, folder.resolve())
    paths = [bases[resolved] / name for name, resolved in stored["paths"]]

    def place(at: list) -> Location:
        return Location(paths[at[0]], at[1], at[2], at[3])

    observations = [
        Observation(indicator, entity, period, value, label, place(at), derived, tuple(group))
        for indicator, entity, period, value, label, at, derived, group in stored["observations"]
    ]
    problems = [
        Problem(place(at), code, message, Severity(severity), hint)
        for at, code, message, severity, hint in stored["problems"]
    ]
    return observations, problems


def compile_library(library: Library) -> Path:
    """Read the library's files and write their read form beside them; the written file's path.

    Refused (ValueError) when something read lies outside the library folder or a problem's words name
    the folder: the read form must not depend on where vlrgen is installed."""
    from vlrgen.inputs.series import read_sources
    from vlrgen.inputs.sources import load_source_specs
    from vlrgen.problems import Problems

    found = Problems()
    specs = load_source_specs(library.sources, found, (library.folder,))
    if found.errors:
        raise ValueError(f"{library.sources} has errors: {found.errors[0].message}")
    read = Problems()
    observations = read_sources(specs, read)
    paths: dict[Path, int] = {}

    def place(location: Location) -> list:
        index = paths.setdefault(location.path, len(paths))
        return [index, location.line, location.column, location.cell]

    rows = [
        [o.indicator, o.entity, o.period, o.value, o.period_label, place(o.location), o.derived, list(o.group)]
        for o in observations
    ]
    problems = []
    for folder in {str(library.folder), str(library.folder.resolve())}:
        if any(folder in p.message or folder in p.hint for p in read.items):
            raise ValueError(f"a reading problem names the library folder {folder}")
    for problem in read.items:
        problems.append([place(problem.location), problem.code, problem.message, problem.severity.value, problem.hint])
    stored = {"paths": [_relative(path, library.folder) for path in paths], "observations": rows, "problems": problems}
    body = json.dumps(stored, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    about = {"format": FORMAT, "key": library_key(library, specs), "body": hashlib.sha256(body).hexdigest()}
    target = library.folder / COMPILED_NAME
    target.write_bytes(gzip.compress(json.dumps(about).encode() + b"\n" + body, compresslevel=9, mtime=0))
    return target


def _relative(path: Path, folder: Path) -> tuple[str, int]:
    """A path as written under the library folder (0) or under the folder resolved (1), as reading gives
    them: a problem may be located at the sources file as named, a source file is resolved."""
    for resolved, base in enumerate((folder, folder.resolve())):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix(), resolved
    raise ValueError(f"{path} is outside the library folder {folder}")


def main(argv: list[str]) -> int:
    from vlrgen.inputs.library import available_libraries, library_named

    for name in argv or available_libraries():
        library = library_named(name)
        if library is None:
            print(f"no library named {name}", file=sys.stderr)
            return 1
        print(f"wrote {compile_library(library)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
