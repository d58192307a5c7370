"""TOML files with the line and column of every key: the one place vlrgen reads TOML.

`read_toml` decodes a file (UTF-8, with or without a byte-order mark), parses it and finds where
each key is written, so that every later problem can name its line. A file that is not UTF-8 or
not valid TOML becomes one located problem, worded for the kind of file (`TomlKind`).

Keys are located by dotted path: `report.year`, a table `report`, and the elements of arrays
of tables by number from 1: `source[2]`, `source[2].file`, `source[2].series[1].value`.

Bounded work: a file over `MAX_TOML_BYTES`, or nested deeper than `MAX_TOML_DEPTH` (arrays and
inline tables inside each other, or the parts of one dotted key such as `a.b.c`), is a located
problem found by a scan of the text before the parser sees it: Python's TOML parser recurses
once per level (50 000 levels end in RecursionError) and takes minutes over a key of 50 000 parts.
No vlrgen file needs more than a handful of levels or more than a few dozen kilobytes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vlrgen.problems import Location, Problems

__all__ = [
    "MAX_TOML_BYTES",
    "MAX_TOML_DEPTH",
    "TomlFile",
    "TomlKind",
    "locate_keys",
    "peek_toml",
    "read_toml",
    "too_deep",
]

_TABLE = re.compile(r"\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_ARRAY_TABLE = re.compile(r"\[\[\s*([^\[\]]+?)\s*\]\]\s*(#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_.\"-]+)\s*=")
_POSITION = re.compile(r"line (\d+), column (\d+)")
MAX_TOML_BYTES = 1_000_000
MAX_TOML_DEPTH = 32
# What the depth scan looks at: strings and comments (skipped whole), brackets, braces, dots, and what ends a key.
_TOKEN = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}.=,\n]', re.S
)


@dataclass(frozen=True)
class TomlKind:
    """How one kind of TOML file words its problems (the codes and texts authors already know)."""

    code: str  # problem code prefix: "config" gives config.encoding and config.syntax
    not_utf8: str  # message for a file that is not UTF-8 text
    not_toml: str = "not valid TOML"  # start of the message for a syntax error
    hint: str = ""  # hint for a file that is not UTF-8 text


@dataclass(frozen=True)
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]
    locations: dict[str, Location]  # dotted key or table (see the module docstring) → where it is written
    tables: frozenset[str] = frozenset()  # the entries of `locations` that are table headers

    def locate(self, *keys: str) -> Location:
        """Where the first of `keys` that is written is; else the top of the file."""
        return next((self.locations[k] for k in keys if k in self.locations), Location(self.path, 1, 1))

    def locate_setting(self, key: str, *tables: str) -> Location:
        """Where `key = …` is written (not a table of that name); else the first of `tables` written."""
        return self.locate(*([key] if key not in self.tables else []), *tables)


def read_toml(path: Path, kind: TomlKind, problems: Problems) -> TomlFile | None:
    """The parsed file with its key locations, or None after reporting why it cannot be read."""
    if path.stat().st_size > MAX_TOML_BYTES:
        message = f"the file is larger than {MAX_TOML_BYTES // 1_000_000} MB; a settings file is far shorter"
        problems.add(Location(path, 1, 1), f"{kind.code}.too_large", message)
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(Location(path, line, 1), f"{kind.code}.encoding", kind.not_utf8, hint=kind.hint)
        return None
    deep = too_deep(text)
    if deep is not None:
        message = f"the file nests more than {MAX_TOML_DEPTH} levels deep (arrays, tables or the parts of a key)"
        problems.add(Location(path, *deep), f"{kind.code}.too_deep", message, hint="write it flatter")
        return None
    try:
        parsed = tomllib.loads(text)
    except RecursionError:  # the scan above should have caught it; never an unlocated crash
        problems.add(Location(path, 1, 1), f"{kind.code}.too_deep", "the file nests too deeply to be read")
        return None
    except tomllib.TOMLDecodeError as exc:
        match = _POSITION.search(str(exc))
        at = Location(path, int(match[1]), int(match[2])) if match else Location(path, 1, 1)
        problems.add(at, f"{kind.code}.syntax", f"{kind.not_toml}: {exc}".split(" (at")[0])
        return None
    locations, tables = _scan(text, path)
    return TomlFile(path, text, parsed, locations, frozenset(tables))


def peek_toml(path: Path) -> dict[str, Any] | None:
    """The parsed file, or None when it cannot be read (another check reports why)."""
    try:
        if path.stat().st_size > MAX_TOML_BYTES:
            return None
        text = path.read_text(encoding="utf-8-sig")
        return None if too_deep(text) else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None


def too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where the text first nests past MAX_TOML_DEPTH levels, or None.

    Counted outside strings and comments: open brackets and braces, plus the dots of the key or table
    name being written (reset by `=`, `,`, a bracket or a new line).
    """
    depth = dots = 0
    line, line_start = 1, 0
    for token in _TOKEN.finditer(text):
        kind = token[0][0]
        if kind in "\"'":
            newlines = token[0].count("\n")
            if newlines:
                line += newlines
                line_start = token.start() + token[0].rindex("\n") + 1
            continue
        if kind == "\n":
            line, line_start, dots = line + 1, token.end(), 0
        elif kind in "[{":
            depth, dots = depth + 1, 0
        elif kind in "]}":
            depth, dots = max(depth - 1, 0), 0
        elif kind == ".":
            dots += 1
        elif kind in "=,":
            dots = 0
        if depth + dots > MAX_TOML_DEPTH:
            return line, token.start() - line_start + 1
    return None


def locate_keys(text: str, path: Path) -> dict[str, Location]:
    """Map each dotted key, table and array-of-tables element to the line and column where it is written."""
    return _scan(text, path)[0]


def _scan(text: str, path: Path) -> tuple[dict[str, Location], set[str]]:
    found: dict[str, Location] = {}
    tables: set[str] = set()
    table = ""
    counts: dict[tuple[str, ...], int] = {}  # array of tables (by its names) → elements so far
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if array := _ARRAY_TABLE.match(stripped):
            names = _names(array[1])
            for other in [n for n in counts if n[: len(names)] == names and len(n) > len(names)]:
                del counts[other]  # a new element starts its own nested arrays from 1
            counts[names] = counts.get(names, 0) + 1
        header = array or _TABLE.match(stripped)
        if header:
            table = _path_of(_names(header[1]), counts)
            found.setdefault(table, Location(path, number, line.index("[") + 1))
            tables.add(table)
        elif key := _KEY.match(line):
            dotted = key[1].replace('"', "")
            found.setdefault(f"{table}.{dotted}" if table else dotted, Location(path, number, line.index(key[1]) + 1))
    return found, tables


def _names(header: str) -> tuple[str, ...]:
    return tuple(header.replace('"', "").replace(" ", "").split("."))


def _path_of(names: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> str:
    """`source.series` inside the second source → `source[2].series[n]` (plain tables keep their names)."""
    parts = []
    for end in range(1, len(names) + 1):
        element = counts.get(names[:end])
        parts.append(f"{names[end - 1]}[{element}]" if element else names[end - 1])
    return ".".join(parts)
