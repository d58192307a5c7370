"""Fetch statistics from SSB's PxWebApi into the project, once, so builds never need the network.

`vlrgen fetch ssb TABLE --query QUERY.json` posts the query, stores SSB's JSON-stat2 answer and a
tidy CSV (one column per dimension with codes, one with labels, and `value`) under
`data/ssb/` in the project, and records the query's digest. Asking again with the same query
uses the stored answer unless `--refresh` is given. The HTTP call sits behind `Transport` so
tests run offline against stored responses.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vlrgen.inputs.tables.jsonstat import jsonstat_to_rows
from vlrgen.problems import Location, Problems

__all__ = ["SSB_API", "FetchResult", "Transport", "fetch_ssb", "http_transport"]

SSB_API = "https://data.ssb.no/api/v0/no/table/{table}/"
Transport = Callable[[str, bytes], bytes]


@dataclass(frozen=True)
class FetchResult:
    json_path: Path
    csv_path: Path
    rows: int
    from_cache: bool


def http_transport(url: str, body: bytes) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def fetch_ssb(
    table: str,
    query_path: Path,
    folder: Path,
    problems: Problems,
    transport: Transport = http_transport,
    refresh: bool = False,
) -> FetchResult | None:
    query = _read_query(query_path, problems)
    if query is None or not table.isdigit():
        if not table.isdigit():
            problems.add(
                Location(query_path), "fetch.table", f'"{table}" is not an SSB table number (five digits, e.g. 07459)'
            )
        return None
    query["response"] = {"format": "json-stat2"}  # the only answer format vlrgen reads
    body = json.dumps(query, ensure_ascii=False, sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:16]
    json_path, csv_path = folder / f"{table}.json", folder / f"{table}.csv"
    stamp = folder / f"{table}.query-digest"
    if (
        not refresh
        and json_path.is_file()
        and csv_path.is_file()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == digest
    ):
        return FetchResult(json_path, csv_path, _count_rows(csv_path), True)
    try:
        answer = transport(SSB_API.format(table=table), body)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        problems.add(
            Location(query_path),
            "fetch.network",
            f"SSB did not answer for table {table}: {exc}",
            hint="check the network; the build itself never needs it once the data are stored",
        )
        return None
    try:
        rows = jsonstat_to_rows(json.loads(answer))
    except (ValueError, KeyError, TypeError) as exc:
        problems.add(Location(query_path), "fetch.answer", f"SSB's answer for table {table} is not JSON-stat2: {exc}")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(json_path, answer)
    _write_atomically(csv_path, _csv_bytes(rows))
    _write_atomically(stamp, digest.encode())
    return FetchResult(json_path, csv_path, len(rows) - 1, False)


def _read_query(path: Path, problems: Problems) -> dict | None:
    try:
        query = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(Location(path), "fetch.query", f"the query file cannot be read: {exc}")
        return None
    except json.JSONDecodeError as exc:
        problems.add(
            Location(path, exc.lineno, exc.colno),
            "fetch.query",
            f"the query is not valid JSON: {exc.msg}",
            hint="copy the query from SSB's statistics bank (API query for this table)",
        )
        return None
    if not isinstance(query, dict) or not isinstance(query.get("query"), list):
        problems.add(Location(path, 1, 1), "fetch.query", 'the query must be a JSON object with a "query" list')
        return None
    return query


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _count_rows(path: Path) -> int:
    return max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
