"""Export a project's indicators in the Open SDG data and metadata layout.

For each indicator with data: `data/indicator_<id>.csv` (Year, Geography, one column per breakdown such as
Sex or Immigrant category, Value; the headline series is the project's own entity with every
disaggregation column empty, county and nation and the breakdowns' groups as disaggregations)
and `meta/<id>.md` (YAML front matter with the fields Open SDG reads). The Open SDG id is
`<goal>-<local id>` with dashes, since local indicators rarely map one-to-one to global ids.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

from vlrgen import reference
from vlrgen.inputs.i18n import Language
from vlrgen.inputs.project import Project
from vlrgen.inputs.tables import plain_number

__all__ = ["export_opensdg", "opensdg_id"]


def opensdg_id(indicator) -> str:
    return f"{indicator.goal}-{indicator.id.replace('_', '-')}"


def export_opensdg(project: Project, out_dir: Path, language: str | None = None) -> list[str]:
    """Write data/ and meta/ into `out_dir`, replacing only those two folders; return the ids written.

    Texts are in `language`, one of the project's report languages (default: the first one).
    Anything else in `out_dir` (an Open SDG data repository's own files) is left alone.
    """
    config, dataset = project.config, project.dataset
    language = language or config.languages[0]
    entity = config.entity
    others = [c for c in (entity.county_code if entity.kind == "municipality" else None, reference.NATION_CODE) if c]
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".vlrgen-export-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    (staging / "meta").mkdir()
    written = []
    words = project.languages.get("en")  # Open SDG's column names and values are English, translated by the site
    for indicator in sorted(dataset.indicators.values(), key=lambda i: (i.goal, i.id)):
        if not any(o.value is not None for o in dataset.series(indicator.id, entity.code)):
            continue
        rows: list[Row] = []
        for code in [entity.code, *others]:
            name = "" if code == entity.code else _place_name(code)
            rows += [(o.period, name, {}, o.value) for o in dataset.series(indicator.id, code) if o.value is not None]
            for dimension, groups in dataset.groups(indicator.id, code).items():
                column = _word(words, f"breakdown.dimension.{dimension}", dimension)
                for group, series in groups.items():
                    label = _word(words, f"breakdown.group.{group}", group)
                    rows += [(o.period, name, {column: label}, o.value) for o in series if o.value is not None]
        identifier = opensdg_id(indicator)
        (staging / "data" / f"indicator_{identifier}.csv").write_text(_data_csv(rows), encoding="utf-8")
        (staging / "meta" / f"{identifier}.md").write_text(_metadata(indicator, language), encoding="utf-8")
        written.append(identifier)
    for folder in ("data", "meta"):
        old = out_dir / f".{folder}-old-{os.getpid()}"
        if (out_dir / folder).exists():
            os.replace(out_dir / folder, old)
        os.replace(staging / folder, out_dir / folder)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return written


Row = tuple[int, str, dict[str, str], float]  # year, geography, breakdown column → group, value


def _place_name(code: str) -> str:
    return reference.known_place(code).name if code != reference.NATION_CODE else "Norge"


def _word(language: Language | None, key: str, fallback: str) -> str:
    return language.messages.get(key, fallback) if language else fallback


def _data_csv(rows: list[Row]) -> str:
    """Year, Geography, the breakdown columns (alphabetically), Value; the headline first."""
    columns = sorted({c for _, _, groups, _ in rows for c in groups})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Year", "Geography", *columns, "Value"])
    for year, geography, groups, value in sorted(
        rows, key=lambda r: (r[1] != "", r[1], bool(r[2]), sorted(r[2].items()), r[0])
    ):
        writer.writerow([year, geography, *(groups.get(c, "") for c in columns), plain_number(value)])
    return buffer.getvalue()


def _metadata(indicator, language: str) -> str:
    fields = {
        "indicator_number": opensdg_id(indicator).replace("-", ".", 1),
        "indicator_name": indicator.name[language],
        "sdg_goal": str(indicator.goal),
        "target_id": indicator.targets[0] if indicator.targets else "",
        "reporting_status": "complete",
        "data_non_statistical": "false",
        "graph_type": "line",
        "graph_title": indicator.name[language],
        "computation_units": indicator.unit[language],
        "source_active_1": "true",
        "source_organisation_1": indicator.source_name[language],
        "source_url_1": indicator.source_url,
        "national_indicator_description": indicator.definition[language],
        "un_designated_tier": "",
        "global_indicator": indicator.sdg_indicator,
        "relation_to_global_indicator": indicator.sdg_relation,
    }
    lines = ["---"] + [f"{key}: {_yaml(value)}" for key, value in fields.items()] + ["---", ""]
    return "\n".join(lines)


def _yaml(value: str) -> str:
    if value in ("true", "false"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
