"""Reviews out of date: a member project's data changed since a county or national review that includes it was built.

Every review's manifest records, per member project, a fingerprint of the member's own data as the
review used it (`inputs/fingerprint.py`) and the review's project folder. Building or checking a member
compares its data now with every review manifest in the output folder; `vlrgen build --with-reviews`
builds the reviews found out of date in the same run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vlrgen.inputs.config import CONFIG_NAME
from vlrgen.inputs.fingerprint import member_fingerprint
from vlrgen.inputs.project import Project

__all__ = ["StaleReview", "describe_stale", "find_stale_reviews"]


@dataclass(frozen=True)
class StaleReview:
    slug: str  # the review's folder in the output
    name: str  # the review's entity
    member: str  # the member whose data changed
    project: Path | None  # the review's project folder, when it is still there


def find_stale_reviews(projects: list[Project], out_dir: Path) -> list[StaleReview]:
    members = [p for p in projects if not p.config.is_review]
    if not members:
        return []
    now = {
        p.config.entity.code: (p.config.entity.name, member_fingerprint(p.dataset, p.config.entity.code))
        for p in members
    }
    found = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        used = manifest.get("member_data") or {}
        for code, (name, digest) in sorted(now.items()):
            if code in used and used[code].get("data") != digest:
                folder = (out_dir / manifest["project"]).resolve() if manifest.get("project") else None
                usable = folder if folder is not None and (folder / CONFIG_NAME).is_file() else None
                found.append(
                    StaleReview(manifest.get("slug", path.parent.name), manifest.get("entity", ""), name, usable)
                )
    return found


def describe_stale(stale: list[StaleReview]) -> list[str]:
    """One line per review out of date, for the terminal."""
    return [
        f"vlrgen: the review {s.slug} ({s.name}) is out of date: the data of {s.member} changed since it was built"
        + (" (rebuild it with --with-reviews)" if s.project else " (its project folder was not found)")
        for s in stale
    ]
