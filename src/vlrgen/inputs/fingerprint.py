"""A member's data, in one digest: what a review used of it, to tell later whether the review is out of date.

The digest covers the member's own values (indicator, period, value, published period text) and how
each of those indicators is judged (goal, direction, decimals, thresholds, target, weighting), and
nothing that depends on the report language, so a review and the member itself compute the same one.
"""

from __future__ import annotations

import hashlib
import json

from vlrgen.inputs.dataset import Dataset

__all__ = ["member_fingerprint"]


def member_fingerprint(dataset: Dataset, code: str) -> str:
    rows = sorted(
        (o.indicator, o.period, repr(o.value), o.period_label) for o in dataset.observations if o.entity == code
    )
    judged = {}
    for indicator in sorted({row[0] for row in rows}):
        found = dataset.indicators.get(indicator)
        if found is not None:
            judged[indicator] = (
                found.goal,
                found.direction,
                found.decimals,
                sorted((found.thresholds or {}).items()),
                found.target,
                found.target_year,
                found.weighting,
            )
    text = json.dumps([rows, judged], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
