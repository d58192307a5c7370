"""A library's read form (inputs/compiled.py): shipped current, equal to reading the files, and never used
once a file or the reading code has changed."""

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from vlrgen.inputs import compiled, observations
from vlrgen.inputs.library import Library, library_named
from vlrgen.inputs.observations import _library_data
from vlrgen.inputs.series import read_sources
from vlrgen.inputs.sources import load_source_specs
from vlrgen.problems import Problems

CATALOGUE = """\
id,goal,targets,name_nb,name_en,unit_nb,unit_en,decimals,direction,source_name_nb,source_name_en
water,6,6.1,Drikkevann,Drinking water,%,%,1,higher,FHI,FHI
"""

SOURCES = """\
[[source]]
file = "sources/water.csv"

[[source.series]]
indicator = "water"
entity = "Område"
period = "År"
value = "Andel"
"""

WATER = "Område;År;Andel\nPorsgrunn;2022;94,2\nAtlantis;2023;12\nNotodden;2023;0,5\nSkien;2023;7\n"


def described(observations, problems) -> tuple[list[str], list[str]]:
    return [repr(o) for o in observations], [repr(p) for p in problems]


def read_files(library: Library) -> tuple[list[str], list[str]]:
    found = Problems()
    specs = load_source_specs(library.sources, found, (library.folder,))
    return described(read_sources(specs, found), found.items)


def test_the_shipped_read_form_of_the_national_library_is_current_and_equal_to_reading_its_files():
    library = library_named("national")
    assert library is not None
    specs = load_source_specs(library.sources, Problems(), (library.folder,))
    shipped = compiled.read_compiled(library, specs)
    assert shipped is not None, (
        "the national library's read form does not match its files or the reading code: "
        "write it again with `.venv/bin/python -m vlrgen.inputs.compiled` and commit it"
    )
    assert described(*shipped) == read_files(library)  # every observation, its cell, every problem, in order


def repr_code(problem: str) -> str:
    return re.search(r"code='([^']+)'", problem)[1]


def rewritten(header: bytes, body: bytes) -> bytes:
    """A read form whose header matches the files and code, with another body and its own digest."""
    about = json.loads(header) | {"body": hashlib.sha256(body).hexdigest()}
    return gzip.compress(json.dumps(about).encode() + b"\n" + body)


def small_library(folder: Path) -> Library:
    (folder / "sources").mkdir(parents=True)
    (folder / "indicators.csv").write_text(CATALOGUE, encoding="utf-8")
    (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (folder / "sources" / "water.csv").write_text(WATER, encoding="utf-8")
    return Library("small", folder)


def test_a_changed_file_or_reading_code_means_the_files_are_read_again(tmp_path, monkeypatch):
    library = small_library(tmp_path / "small")
    expected = read_files(library)
    assert len(expected[0]) == 3 and len(expected[1]) == 1  # Atlantis is reported, at its cell

    compiled.compile_library(library)
    specs = load_source_specs(library.sources, Problems(), (library.folder,))
    stored = compiled.read_compiled(library, specs)
    assert stored is not None and described(*stored) == expected
    with monkeypatch.context() as patched:  # a build uses the read form: the files are not read
        patched.setattr(observations, "read_sources", lambda *_: pytest.fail("the files were read"))
        data = _library_data(library, ("nb", "en"))
    assert sorted(o.value for o in data.observations) == [0.5, 7.0, 94.2]
    assert [p.code for p in data.problems] == [repr_code(expected[1][0])]

    # one value changed in the file: the read form no longer matches, the file is read
    csv = library.folder / "sources" / "water.csv"
    csv.write_text(WATER.replace("94,2", "94,3"), encoding="utf-8")
    assert compiled.read_compiled(library, specs) is None
    assert 94.3 in [o.value for o in _library_data(library, ("nb", "en")).observations]

    # the reading code changed: not used either
    compiled.compile_library(library)
    assert compiled.read_compiled(library, specs) is not None
    monkeypatch.setattr(compiled, "reading_code_digest", lambda: "other code")
    assert compiled.read_compiled(library, specs) is None
    monkeypatch.undo()

    # a damaged read form is not used, and is no error: the files are read
    target = library.folder / compiled.COMPILED_NAME
    compiled.compile_library(library)
    written = target.read_bytes()
    header, _, body = gzip.decompress(written).partition(b"\n")
    damaged = [
        b"\x1f\x8b not gzip",
        written[:10] + bytes([written[10] ^ 0xFF]) + written[11:],  # a good gzip header, a bad stream (zlib.error)
        written[:40] + bytes(b ^ 0xFF for b in written[40:44]) + written[44:],  # a wrong checksum
        gzip.compress(header + b"\n" + body.replace(b"94.3", b"99.9")),  # a value changed by hand
        rewritten(header, b'{"paths":[["sources/water.csv",1]],"observations":[["water"]],"problems":[]}'),
        rewritten(header, b'{"paths":[],"observations":[],"problems":[[[5,1,1,""],"x","y","bad","z"]]}'),
        rewritten(header, b"[1, 2]"),
    ]
    for content in damaged:
        target.write_bytes(content)
        assert compiled.read_compiled(library, specs) is None
    assert 94.3 in [o.value for o in _library_data(library, ("nb", "en")).observations]
