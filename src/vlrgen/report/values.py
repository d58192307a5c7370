"""Numbers in the text: each `{{< value … >}}` placeholder of a section becomes the value in the report's language.

Values are formatted exactly as the KPI tables format them (the `Language` object's Babel formats): a
percentage with its sign per locale (`97,8 %` / `97.8%`), other units as the bare number (the author
writes the unit), a change with its sign, status and trend in words. A value the data lacks is "–".
"To be written" blocks (`{{< todo >}}`) get their visible label here too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from markupsafe import escape

from vlrgen.inputs.content import Narrative, Section
from vlrgen.inputs.dataset import Observation
from vlrgen.inputs.i18n import Language
from vlrgen.inputs.shortcodes import END, START, TODO_CLOSE, TODO_OPEN, Shortcode
from vlrgen.judge.assessment import QuotedValue
from vlrgen.report.describe import period_text

__all__ = ["fill_values", "format_value"]

PLACEHOLDER = re.compile(f"{START}(\\d+){END}")
LEFTOVER = re.compile("[\ue000-\ue003]")


def fill_values(narrative: Narrative, quoted: dict[str, QuotedValue], language: Language) -> Narrative:
    """The narrative with the sections of `language` showing their values (other languages left as they are)."""
    sections = dict(narrative.sections)
    for key, section in narrative.sections.items():
        if section.language == language.code and (section.shortcodes or section.todos):
            sections[key] = fill_section(section, quoted, language)
    return replace(narrative, sections=sections)


def fill_section(section: Section, quoted: dict[str, QuotedValue], language: Language) -> Section:
    by_index = {c.index: c for c in section.shortcodes}

    def value(match: re.Match) -> str:
        code = by_index.get(int(match[1]))
        return str(escape(format_value(code, quoted, language))) if code else ""

    html = PLACEHOLDER.sub(value, section.html)
    label = escape(language.t("ui.to_be_written"))
    html = html.replace(
        f"<p>{TODO_OPEN}</p>", f'<div class="todo" role="note"><p class="todo-label"><strong>{label}</strong></p>'
    )
    html = html.replace(f"<p>{TODO_CLOSE}</p>", "</div>")
    return replace(section, html=LEFTOVER.sub("", html))


def format_value(code: Shortcode, quoted: dict[str, QuotedValue], language: Language) -> str:
    """One shortcode's text in `language`, as the KPI table shows the same figure."""
    found = quoted.get(code.indicator)
    if found is None:
        return "–"
    summary, result = found.summary, found.result
    indicator = summary.indicator
    unit, decimals = indicator.unit[language.code], indicator.decimals
    observations: dict[str, Observation | None] = {
        "latest": summary.latest,
        "previous": summary.previous,
        "base": found.base,
        "county": summary.county,
        "nation": summary.nation,
    }
    show = code.show
    if show in observations:
        observation = observations[show]
        return language.cell(observation.value if observation else None, decimals, unit)
    if show.endswith("_period"):
        observation = observations[show.removesuffix("_period")]
        return period_text(observation.period_label or observation.period) if observation else "–"
    if show == "change":
        return language.change(summary.change, decimals)
    if show == "target":
        return language.cell(indicator.target, decimals, unit)
    if result.method != "sdsn" or summary.latest is None:
        return "–"
    return language.t(f"status.{result.status}") if show == "status" else language.t(f"trend.{result.trend}")
