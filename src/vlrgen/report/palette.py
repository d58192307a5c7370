"""Colours that stay readable: WCAG 2.1 contrast, and the text and ink colours planned for the pages.

A goal's official colour is kept where it decorates (borders, tiles, bars); text on it is black or
white, whichever contrasts more (one of them always reaches 4.5:1); text *in* the colour on white
(a goal heading, a chart line) uses the colour darkened just enough to reach 4.5:1. The same holds
for the project's accent colour and the status colours of the member tiles. Planned once per
report, so templates and stylesheets never pick a colour that fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlrgen import reference
from vlrgen.charts.comparison import STATUS_COLOURS

__all__ = [
    "TEXT_CONTRAST",
    "Palette",
    "Swatch",
    "contrast_ratio",
    "ink_on_white",
    "luminance",
    "plan_palette",
    "text_on",
]

TEXT_CONTRAST = 4.5  # WCAG 2.1 AA for normal text (1.4.3); graphics need 3:1 (1.4.11)
DARK, LIGHT = "#000000", "#ffffff"


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it (sRGB)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """White text where it reaches 4.5:1 on `background`, else black (which then always does)."""
    return LIGHT if contrast_ratio(LIGHT, background) >= TEXT_CONTRAST else DARK


def ink_on_white(colour: str, ratio: float = TEXT_CONTRAST) -> str:
    """`colour` darkened in small steps until it reaches `ratio` against white (itself if it does)."""
    r, g, b = _channels(colour)
    for step in range(51):
        keep = 1 - step / 50
        ink = f"#{round(r * keep):02x}{round(g * keep):02x}{round(b * keep):02x}"
        if contrast_ratio(ink, LIGHT) >= ratio:
            return ink
    return DARK


@dataclass(frozen=True)
class Swatch:
    """A colour with the text colour to write on it and a darker ink for text in it on white."""

    colour: str
    text: str
    ink: str


@dataclass(frozen=True)
class Palette:
    accent: str  # the project's accent, darkened where text in it would not reach 4.5:1 on white
    goals: tuple[tuple[int, Swatch], ...]
    statuses: tuple[tuple[str, Swatch], ...]


def swatch(colour: str) -> Swatch:
    return Swatch(colour, text_on(colour), ink_on_white(colour))


def plan_palette(accent: str | None) -> Palette:
    return Palette(
        accent=ink_on_white(accent) if accent else "",
        goals=tuple((number, swatch(goal.colour)) for number, goal in reference.goals().items()),
        statuses=tuple((status, swatch(colour)) for status, colour in STATUS_COLOURS.items()),
    )
