"""Editions in the built output: what a report's manifest records for a later edition, and which edition
it follows (for the link under the cover, the landing page and the site index)."""

from __future__ import annotations

from typing import Any

from vlrgen.inputs.config import Config
from vlrgen.inputs.editions import EditionSnapshot, ReviewSnapshot, snapshot_json
from vlrgen.judge.assessment import Assessment

__all__ = ["edition_record", "previous_of"]


def previous_of(assessment: Assessment | None) -> EditionSnapshot | ReviewSnapshot | None:
    """The previous edition this report compares with (municipal or review), or None."""
    if assessment is None:
        return None
    changes = (
        assessment.entity.changes if assessment.entity else assessment.review.changes if assessment.review else None
    )
    return changes.previous if changes else None


def edition_record(assessment: Assessment | None, config: Config) -> dict[str, Any]:
    """The manifest's keys for editions: this edition's judgement (`assessment`, what a later edition
    compares with) and the edition it follows (`previous`)."""
    if assessment is None:
        return {}
    own = assessment.entity or assessment.review
    snapshot = own.snapshot if own else None
    if snapshot is None:
        return {}
    record: dict[str, Any] = {"example": config.example, "assessment": snapshot_json(snapshot)}
    if (before := previous_of(assessment)) is not None:
        record["previous"] = {"slug": before.slug, "entity": before.entity, "year": before.year}
    return record
