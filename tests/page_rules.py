"""Page rules for printed reports, read back from a built PDF (issue 16, item 7).

`pdftotext -bbox-layout` gives every text block and line with its place on the page; from those:

* a table caption (above its table) never ends a page: some rows follow it on the same page; a figure
  caption (below its figure) never starts one;
* no page in the middle of a chapter is less than a quarter full, unless what follows would not have fit
  in the space left anyway (its first block, as printed on the next page, is taller);
* no footnote return arrow "↩" is printed;
* member summaries share pages (fewer pages than summaries);
* no line of the sources list holds a single word while the entry goes on below (a list that breaks
  after its first word), and no address breaks off after `https://`.

Runnable by hand: `python tests/page_rules.py output/porsgrunn-2025/porsgrunn-2025-nb.pdf` prints every
finding with its page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# A4 with the print stylesheet's margins (22 mm top and bottom): the running header and footer lie outside.
PAGE_HEIGHT = 841.89
MARGIN = 22 * 72 / 25.4
TOP, BOTTOM = MARGIN, PAGE_HEIGHT - MARGIN
CAPTION = re.compile(r"^(Tabell|Table|Figur|Figure) \d+( \([^)]*\))?:")
FIGURE_CAPTION = re.compile(r"^(Figur|Figure) \d+:")


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Page:
    number: int
    blocks: tuple[Block, ...]  # inside the margins, top to bottom

    @property
    def fill(self) -> float:
        """How much of the page's text area is used, from its top to the lowest text."""
        if not self.blocks:
            return 0.0
        return (max(b.bottom for b in self.blocks) - TOP) / (BOTTOM - TOP)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


class _Layout(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[list[list[Line]]] = []
        self.line: tuple[float, float] | None = None
        self.words: list[str] = []
        self.in_word = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append([])
        elif tag == "block":
            self.pages[-1].append([])
        elif tag == "line":
            self.line, self.words = (float(a["ymin"]), float(a["ymax"])), []
        elif tag == "word":
            self.in_word = True
            self.words.append("")

    def handle_endtag(self, tag):
        if tag == "word":
            self.in_word = False
        elif tag == "line" and self.line is not None:
            self.pages[-1][-1].append(Line(" ".join(self.words), *self.line))
            self.line = None

    def handle_data(self, data):
        if self.in_word:
            self.words[-1] += data


def read_pages(pdf: Path) -> list[Page]:
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    layout = _Layout()
    layout.feed(html)
    pages = []
    for number, blocks in enumerate(layout.pages, start=1):
        inside = [
            Block(tuple(lines))
            for lines in blocks
            if lines and min(line.top for line in lines) >= TOP - 2 and max(line.bottom for line in lines) <= BOTTOM + 2
        ]
        pages.append(Page(number, tuple(sorted(inside, key=lambda b: (b.top, b.lines[0].text)))))
    return pages


def chapter_starts(pdf: Path) -> set[int]:
    """Pages on which a top-level section (a chapter) starts: the first level of the PDF bookmarks."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return {reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)}


def findings(pdf: Path, pages: list[Page] | None = None) -> list[str]:
    pages = pages if pages is not None else read_pages(pdf)
    starts = chapter_starts(pdf)
    found = []
    for page, following in zip(pages, [*pages[1:], None]):
        where = f"{pdf.name} p. {page.number}"
        if "↩" in page.text:
            found.append(f"{where}: a footnote return arrow ↩ is printed")
        if page.blocks and CAPTION.match(page.blocks[-1].text) and not FIGURE_CAPTION.match(page.blocks[-1].text):
            found.append(f"{where}: the page ends with a table caption, its rows are on the next page")
        if page.blocks and FIGURE_CAPTION.match(page.blocks[0].text):
            found.append(f"{where}: the page starts with a figure caption, its figure is on the page before")
        if following is None or following.number in starts or page.number == 1 or not page.blocks:
            continue
        if page.fill < 0.25:
            left = BOTTOM - max(b.bottom for b in page.blocks)
            first = _first_unit(following)
            if first is not None and first <= left:
                found.append(
                    f"{where}: only {page.fill:.0%} full in the middle of a chapter, though the next "
                    f"{first:.0f} pt would have fit in the {left:.0f} pt left"
                )
    return found


def _first_unit(page: Page) -> float | None:
    """The height of what starts the page, up to the first clear gap between blocks (a heading stays with
    what follows it; a table or chart with its caption)."""
    if not page.blocks:
        return None
    top, bottom = page.blocks[0].top, page.blocks[0].bottom
    for block in page.blocks[1:]:
        if block.top - bottom > 14:
            break
        bottom = max(bottom, block.bottom)
    return bottom - top


def sources_breaking_after_one_word(pages: list[Page], heading: str) -> list[str]:
    """Entries of the sources list (after its heading, to the end) whose first line holds one word while the
    entry goes on below, and addresses broken off right after `https://`."""
    lines = [(page.number, line.text) for page in pages for block in page.blocks for line in block.lines]
    starts = [i for i, (_, text) in enumerate(lines) if text.strip() == heading]
    found = []
    for i, (number, text) in enumerate(lines[starts[-1] + 1 :] if starts else [], start=(starts or [0])[-1] + 1):
        going_on = i + 1 < len(lines) and not lines[i + 1][1].startswith("•")
        if text.startswith("•") and len(text.split()) == 2 and going_on:
            found.append(f"p. {number}: {text!r} breaks after its first word")
        if re.search(r"https?://$", text) and going_on:
            found.append(f"p. {number}: {text[-50:]!r}: an address breaks off after https://")
    return found


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        for finding in findings(Path(argument)):
            print(finding)
        for page in read_pages(Path(argument)):
            print(f"p. {page.number}: {page.fill:.0%}")
