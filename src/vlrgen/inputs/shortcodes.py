"""Shortcodes in narrative Markdown: numbers from the data written into the text, as in Quarto and Hugo.

An author writes `{{< value kindergarten_coverage >}}` (the latest value) or adds one option:
`previous`, `base` (the first value from the base year on), `period` (after latest, previous or
base: that value's period), `change`, `status`, `trend`, `county`, `nation` or `target`. The
shortcode is the only thing evaluated in author text: any other `{{`, `{%` or `}}` comes out as
written, and `{{</* value x */>}}` writes the shortcode itself. Shortcodes inside code are text.

`{{< todo >}} … {{< /todo >}}` marks guidance that is still to be replaced by the author's own
text: the report shows it in a visible "to be written" block and `vlrgen check` warns about it.

Phase 1 reads a section's shortcodes (`extract_shortcodes`), replaces each with a placeholder the
Markdown parser and the sanitiser leave alone, and checks option and place; `check_shortcodes`
checks the indicators against the catalogue once the data is loaded. Planning (`report/values.py`)
puts the value in each language in place of the placeholder.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from vlrgen.inputs.dataset import Dataset
from vlrgen.problems import Location, Problems

__all__ = [
    "OPTIONS",
    "TODO_CLOSE",
    "TODO_OPEN",
    "Shortcode",
    "check_shortcodes",
    "extract_shortcodes",
    "placeholder",
]

# What `value` can show, by the words written after the indicator id.
OPTIONS: dict[tuple[str, ...], str] = {
    (): "latest",
    ("latest",): "latest",
    ("previous",): "previous",
    ("base",): "base",
    ("period",): "latest_period",
    ("latest", "period"): "latest_period",
    ("previous", "period"): "previous_period",
    ("base", "period"): "base_period",
    ("change",): "change",
    ("status",): "status",
    ("trend",): "trend",
    ("county",): "county",
    ("nation",): "nation",
    ("target",): "target",
}
OPTION_WORDS = "latest, previous, base, period (e.g. previous period), change, status, trend, county, nation, target"
NEEDS_THRESHOLDS = {"status", "trend"}
# Placeholders: characters from Unicode's private use area, which Markdown, nh3 and authors leave alone.
START, END = "\ue000", "\ue001"
TODO_OPEN, TODO_CLOSE = "\ue002", "\ue003"  # the start and end of a "to be written" block
PRIVATE = re.compile("[\ue000-\ue003]")
SHORTCODE = re.compile(r"\{\{<\s*(/\*)?\s*(.*?)\s*(\*/)?\s*>\}\}")
CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r"\s*(```|~~~)")


@dataclass(frozen=True)
class Shortcode:
    """One `{{< value … >}}` in a section: which value of which indicator, and where it is written."""

    index: int  # its placeholder number within the section
    indicator: str
    show: str  # an OPTIONS value: "latest", "previous_period", "status", …
    location: Location


def placeholder(index: int) -> str:
    return f"{START}{index}{END}"


def extract_shortcodes(body: str, location: Location, problems: Problems) -> tuple[str, tuple[Shortcode, ...], int]:
    """The Markdown with every shortcode replaced, the `value` shortcodes found and the number of todo blocks.

    `location` is the file with the line the body starts on (front matter counts as lines).
    """
    found: list[Shortcode] = []
    todos, open_todo = 0, None
    lines, in_fence = [], False
    for number, line in enumerate(body.split("\n"), start=location.line or 1):
        line = PRIVATE.sub("", line)  # no author text can pose as a placeholder
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or FENCE.match(line):
            lines.append(line)
            continue
        pieces, last = [], 0
        for match in SHORTCODE.finditer(line):
            if _in_code(line, match.start()):
                continue
            at = Location(location.path, number, match.start() + 1)
            pieces.append(line[last : match.start()])
            last = match.end()
            if match[1] or match[3]:  # {{</* … */>}}: the shortcode itself, as text
                pieces.append(f"{{{{< {match[2]} >}}}}")
                continue
            words = match[2].split()
            name = words[0] if words else ""
            if name == "value":
                code = _value(words[1:], len(found), at, problems)
                if code is not None:
                    found.append(code)
                    pieces.append(placeholder(code.index))
            elif name == "todo" and len(words) == 1:
                if open_todo is not None:
                    problems.add(at, "content.shortcode", "a {{< todo >}} block is opened again before it is closed")
                open_todo = at
                todos += 1
                problems.warn(
                    at,
                    "content.to_be_written",
                    'guidance still to be replaced by your own text (shown as a "to be written" block)',
                    hint="write the section and remove the {{< todo >}} … {{< /todo >}} block",
                )
                pieces.append(f"\n\n{TODO_OPEN}\n\n")
            elif name == "/todo" and len(words) == 1:
                if open_todo is None:
                    problems.add(at, "content.shortcode", "{{< /todo >}} closes no {{< todo >}} block")
                else:
                    pieces.append(f"\n\n{TODO_CLOSE}\n\n")
                open_todo = None
            else:
                guess = difflib.get_close_matches(name, ["value", "todo", "/todo"], n=1)
                problems.add(
                    at,
                    "content.shortcode",
                    f'"{match[0]}" is not a shortcode vlrgen knows',
                    hint=f'did you mean "{guess[0]}"?' if guess else "write {{< value INDICATOR >}}; see README.md",
                )
        lines.append("".join(pieces) + line[last:])
    if open_todo is not None:
        problems.add(open_todo, "content.shortcode", "this {{< todo >}} block is never closed with {{< /todo >}}")
        lines.append(f"\n\n{TODO_CLOSE}\n")
    return "\n".join(lines), tuple(found), todos


def _value(words: list[str], index: int, at: Location, problems: Problems) -> Shortcode | None:
    if not words:
        problems.add(at, "content.shortcode", "{{< value >}} names no indicator", hint="write {{< value INDICATOR >}}")
        return None
    indicator, options = words[0], tuple(w.lower() for w in words[1:])
    show = OPTIONS.get(options)
    if show is None:
        problems.add(
            at,
            "content.shortcode_option",
            f'"{" ".join(words[1:])}" is not an option of {{{{< value >}}}}',
            hint=f"options: {OPTION_WORDS}",
        )
        return None
    return Shortcode(index, indicator, show, at)


def _in_code(line: str, position: int) -> bool:
    return any(m.start() <= position < m.end() for m in CODE_SPAN.finditer(line))


def check_shortcodes(shortcodes: list[Shortcode], dataset: Dataset, entity: str, name: str, problems: Problems) -> None:
    """Every indicator named must be in the catalogue; a value the entity lacks is shown as "–" (a warning)."""
    for code in shortcodes:
        indicator = dataset.indicators.get(code.indicator)
        if indicator is None:
            guess = difflib.get_close_matches(code.indicator, list(dataset.indicators), n=1)
            problems.add(
                code.location,
                "content.unknown_indicator",
                f'"{code.indicator}" is not an indicator in the catalogue',
                hint=f'did you mean "{guess[0]}"?' if guess else "indicator ids are the id column of the catalogue",
            )
            continue
        if code.show in NEEDS_THRESHOLDS and not indicator.thresholds:
            problems.warn(
                code.location,
                "content.no_value",
                f"{code.indicator} has no thresholds, so it has no {code.show}; the text shows –",
            )
        elif not any(o.value is not None for o in dataset.series(code.indicator, entity)):
            problems.warn(
                code.location,
                "content.no_value",
                f"{code.indicator} has no value for {name}; the text shows –",
            )
