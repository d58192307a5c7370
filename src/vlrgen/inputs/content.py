"""Narrative: read one Markdown file per section and language into sanitised HTML sections.

Authors write `narrative/<lang>/<section>.md` (keys from the EU VLR handbook skeleton) and
optional per-goal commentary `narrative/<lang>/goal-NN.md`. Each file may open with front
matter (`title:`, `example:`). HTML inside Markdown is sanitised here, once, so nothing
downstream ever sees raw author HTML.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from vlrgen.inputs.confine import confine
from vlrgen.inputs.outline import SECTION_KEYS, SECTIONS, OwnSection, check_titles, make_outline
from vlrgen.inputs.shortcodes import Shortcode, extract_shortcodes, placeholder
from vlrgen.problems import Location, Problems

__all__ = ["SECTIONS", "SECTION_KEYS", "Narrative", "Section", "load_narrative", "render_markdown"]

FRONT_MATTER_KEYS = {"title", "example"}
GOAL_FILE = re.compile(r"goal-(\d{2})")
# Bounds on what one narrative file may ask of the Markdown parser; far above any real report text
# (a long paragraph is a few thousand characters), far below what makes parsing take minutes.
MAX_FILE_BYTES = 2_000_000
MAX_LINE_CHARS = 100_000
MAX_NESTING = 50  # list levels and quote markers at the start of a line
MARKER = re.compile(r">|[-*+](?=\s)|\d{1,9}[.)](?=\s)")
NESTING = re.compile(r"(?:[ \t]*(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s)))+")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
UNSAFE = re.compile(
    r"<\s*(script|style|iframe|object|embed|link|meta|form|base|svg|math)\b|\son\w+\s*=|javascript:|file:"
    r"|<\s*\w+[^>]*\sstyle\s*=|\srel\s*=\s*[\"']?attachment",
    re.I,
)
# An author's SVG image is refused when it could run code or load something from elsewhere.
UNSAFE_SVG = re.compile(
    rb"<\s*script|\son\w+\s*=|javascript:|<\s*foreignObject|(?:xlink:)?href\s*=\s*[\"']\s*(?!#)", re.I
)


@dataclass(frozen=True)
class Section:
    key: str  # a SECTION_KEYS entry or "goal-NN"
    language: str
    title: str | None
    html: str
    example: bool
    path: Path
    assets: tuple[tuple[Path, str], ...]  # (source file, path under the output's media/)
    shortcodes: tuple[Shortcode, ...] = ()  # values from the data, as placeholders in `html` (inputs/shortcodes.py)
    todos: int = 0  # "to be written" blocks still in the text


@dataclass(frozen=True)
class Narrative:
    sections: dict[tuple[str, str], Section]
    outline: tuple[tuple[str, int], ...] = SECTIONS  # (key, heading level) in report order, own sections included
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # own section key → language → heading

    def get(self, key: str, language: str) -> Section | None:
        return self.sections.get((key, language))

    def languages_with(self, key: str) -> list[str]:
        return sorted(lang for (k, lang) in self.sections if k == key)


def load_narrative(
    root: Path,
    narrative_dir: Path,
    languages: tuple[str, ...],
    problems: Problems,
    media_prefix: str = "../media/",
    own: tuple[OwnSection, ...] = (),
) -> Narrative:
    """Read every narrative file; report missing, untranslated and unknown files. `own`: the project's own sections."""
    outline = make_outline(own)
    levels = dict(outline)
    check_titles(own, languages, problems)
    sections: dict[tuple[str, str], Section] = {}
    for lang in languages:
        folder = narrative_dir / lang
        if not folder.is_dir():
            problems.warn(
                Location(narrative_dir),
                "content.missing_language",
                f"no narrative folder for language {lang} (expected {folder.name}/ here)",
            )
            continue
        if confine(folder, (root,), problems, Location(folder), "narrative folder") is None:
            continue  # a link to a folder elsewhere: not even its file names are listed
        for found in sorted(folder.glob("*.md")):
            path = confine(found, (root,), problems, Location(found, 1, 1), "narrative file")
            if path is None or not path.is_file():
                continue
            path = found  # messages name the file where the author put it
            key = path.stem
            goal = GOAL_FILE.fullmatch(key)
            if key not in levels and not (goal and 1 <= int(goal[1]) <= 17):
                _warn_unknown_file(path, problems)
                continue
            sections[(key, lang)] = read_section(root, path, key, lang, problems, media_prefix, levels.get(key, 1))
    narrative = Narrative(sections, outline, {s.key: s.titles for s in own})
    _check_coverage(narrative, narrative_dir, languages, problems)
    return narrative


def read_section(
    root: Path, path: Path, key: str, lang: str, problems: Problems, media_prefix: str, section_level: int = 1
) -> Section:
    text = read_text(path, problems)
    if not _within_bounds(path, text, problems):
        text = ""  # reported; the section is left empty rather than parsed for minutes
    meta, body, body_line = _split_front_matter(text, path, problems)
    _check_source(path, body, body_line, problems)
    # Headings nest under the page's: one h1 (the title), sections at level + 1, goals at h3.
    level = 4 if key.startswith("goal-") else section_level + 2
    markdown_text, shortcodes, todos = extract_shortcodes(body, Location(path, body_line), problems)
    html, assets, rejected = render_markdown(
        markdown_text, path.parent, root, prefix=key, top_level=level, media_prefix=media_prefix
    )
    in_addresses = "".join(re.findall(r'(?:href|src)="([^"]*)"', html))
    for code in shortcodes:
        if placeholder(code.index) not in html or placeholder(code.index) in in_addresses:
            problems.add(
                code.location,
                "content.shortcode_place",
                "a shortcode inside a link address or an image path cannot show a value",
                hint="write {{< value … >}} in the text",
            )
    for src in rejected:
        _report_image(path, body, src, problems)
    for source, _ in assets:
        if source.suffix.lower() == ".svg" and UNSAFE_SVG.search(source.read_bytes()):
            at = _locate(body, source.name, path, body_line)
            problems.add(
                at,
                "content.unsafe_svg",
                f"the SVG image {source.name} contains a script, an event handler or a link to another file",
                hint="export the image again without scripts or links, or save it as PNG",
            )
    return Section(
        key=key,
        language=lang,
        title=meta.get("title") or None,
        html=html,
        example=meta.get("example", "").lower() in {"true", "yes", "ja"},
        path=path,
        assets=tuple(assets),
        shortcodes=shortcodes,
        todos=todos,
    )


def read_text(path: Path, problems: Problems) -> str:
    """A text file as UTF-8; a file in another encoding is a located problem, not a crash."""
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.add(
            Location(path, 1, 1),
            "content.too_large",
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB; a report section is far shorter",
            hint="split it, or put data in a data file instead of the text",
        )
        return ""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(
            Location(path, line, column),
            "content.encoding",
            "the file is not UTF-8 text",
            hint="save it as UTF-8 in your editor",
        )
        return data.decode("utf-8", errors="replace")


def render_markdown(
    text: str, base_dir: Path, root: Path, *, prefix: str, top_level: int, media_prefix: str
) -> tuple[str, list[tuple[Path, str]], list[str]]:
    """Markdown → sanitised HTML; ids prefixed with `prefix`, headings start at `top_level`.

    Returns the HTML, the images to copy (source file, path under media/) and the image
    sources that were removed because they are not files inside the project.

    A text rendered before in this process is not parsed again (`vlrgen serve` rebuilds after every
    edit, and one edit changes one file), as long as every image it uses is still there.
    """
    key = (text, base_dir, root, prefix, top_level, media_prefix)
    known = _RENDERED.get(key)
    if known is not None and all(source.is_file() for source, _ in known[1]):
        return known[0], list(known[1]), []
    html, assets, rejected = _render_markdown(text, base_dir, root, prefix, top_level, media_prefix)
    if not rejected:  # what is refused depends on the files there: always looked at again
        if len(_RENDERED) >= RENDERED_MAX:
            _RENDERED.pop(next(iter(_RENDERED)))
        _RENDERED[key] = (html, tuple(assets))
    return html, assets, rejected


RENDERED_MAX = 2048
_RENDERED: dict[tuple, tuple[str, tuple[tuple[Path, str], ...]]] = {}


def _render_markdown(
    text: str, base_dir: Path, root: Path, prefix: str, top_level: int, media_prefix: str
) -> tuple[str, list[tuple[Path, str]], list[str]]:
    assets: list[tuple[Path, str]] = []
    rejected: list[str] = []
    extension = _ReportExtension(prefix, top_level)
    md = markdown.Markdown(
        extensions=["tables", "footnotes", "attr_list", "sane_lists", "fenced_code", "toc", extension],
        extension_configs={
            "toc": {"slugify": slugify_unicode, "permalink": False},
            "footnotes": {"BACKLINK_TITLE": ""},
        },
        output_format="html",
    )
    html = md.convert(text)

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href" and value.startswith("/") and not value.startswith("//"):
            rejected.append("link:" + value)  # a path on the reader's own machine (file:///…) in the PDF: never
            return None
        if tag == "img" and attribute == "src":
            local = _media_path(value, base_dir, root)
            if local is None:
                rejected.append(value)
                return None
            assets.append(local)
            return media_prefix + local[1]
        if attribute == "id" and not value.startswith(f"{prefix}--"):
            return f"{prefix}--{value}"  # ids written as raw HTML stay inside their section
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean, assets, rejected


def _media_path(src: str, base_dir: Path, root: Path) -> tuple[Path, str] | None:
    """(file, path relative to the project) for an image inside the project, else None."""
    if re.match(r"[a-z][a-z0-9+.-]*:|//", src, re.I):
        return None  # never fetch from the network or another scheme
    resolved = (base_dir / unquote(src)).resolve()
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved, resolved.relative_to(root).as_posix()


def _locate(body: str, text: str, path: Path, first_line: int) -> Location:
    line, column = next(
        ((n, row.index(text) + 1) for n, row in enumerate(body.split("\n"), start=first_line) if text in row), (1, 1)
    )
    return Location(path, line, column)


def _report_image(path: Path, body: str, src: str, problems: Problems) -> None:
    if src.startswith("link:"):
        problems.warn(
            _locate(body, src[5:], path, 1),
            "content.local_link",
            f"the link to {src[5:]} points at a file on the reader's own computer and is removed",
            hint="link to a web address, or to a file inside the project with a relative path",
        )
        return
    line, column = next(
        ((n, text.index(src) + 1) for n, text in enumerate(body.split("\n"), start=1) if src in text), (0, 0)
    )
    at = Location(path, line, column)
    if re.match(r"[a-z][a-z0-9+.-]*:|//", src, re.I):
        problems.add(
            at,
            "content.remote_image",
            f"image {src} is not a file in the project; reports never fetch from the network",
            hint="save the image in the project folder and link it with a relative path",
        )
    else:
        problems.add(at, "content.missing_image", f"image {src} not found inside the project folder")


def _split_front_matter(text: str, path: Path, problems: Problems) -> tuple[dict[str, str], str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return meta, "\n".join([""] * number + lines[number:]), 1
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep:
            problems.add(
                Location(path, number, 1),
                "content.front_matter",
                f'front matter line is not "key: value": {line.strip()!r}',
            )
        elif key not in FRONT_MATTER_KEYS:
            problems.warn(
                Location(path, number, 1),
                "content.front_matter",
                f'unknown front matter key "{key}" (known: {", ".join(sorted(FRONT_MATTER_KEYS))})',
            )
        else:
            meta[key] = value.strip().strip('"')
    problems.add(
        Location(path, 1, 1),
        "content.front_matter",
        'front matter opened with "---" is never closed with a second "---" line',
    )
    return {}, text, 1


def _within_bounds(path: Path, text: str, problems: Problems) -> bool:
    """Refuse (with the line) a line too long or nested too deeply for the Markdown parser."""
    ok = True
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            problems.add(
                Location(path, number, MAX_LINE_CHARS + 1),
                "content.line_too_long",
                f"line {number} has {len(line):,} characters; at most {MAX_LINE_CHARS:,} are read".replace(",", " "),
                hint="break the text into paragraphs",
            )
            ok = False
        opening = NESTING.match(line)
        markers = len(MARKER.findall(opening.group(0))) if opening else 0
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if max(markers, indent // 4) > MAX_NESTING:
            problems.add(
                Location(path, number, 1),
                "content.nested_too_deeply",
                f"the text is nested more than {MAX_NESTING} levels deep (lists or quotes)",
                hint="use fewer levels of lists or quotes",
            )
            ok = False
        if not ok:
            return False
    return True


def _check_source(path: Path, body: str, first_line: int, problems: Problems) -> None:
    """Locate unsafe HTML in the Markdown source (the sanitiser removes it); code is skipped."""
    in_fence = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if re.match(r"\s*(```|~~~)", line):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith(("    ", "\t")):
            continue
        prose = re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)
        for match in UNSAFE.finditer(prose):
            problems.warn(
                Location(path, number, match.start() + 1),
                "content.unsafe_html",
                f"unsafe HTML {match.group(0).strip()!r} is removed from the report",
            )


def _warn_unknown_file(path: Path, problems: Problems) -> None:
    guess = difflib.get_close_matches(path.stem, SECTION_KEYS, n=1)
    hint = (
        f'did you mean "{guess[0]}.md"?'
        if guess
        else "section files are named after the section keys in README.md; goal commentary is goal-01.md … goal-17.md; "
        "a section of your own is declared in vlrgen.toml under [[content.sections]]"
    )
    problems.warn(
        Location(path), "content.unknown_section", f'"{path.name}" is not a known section and is not used', hint=hint
    )


def _check_coverage(narrative: Narrative, narrative_dir: Path, languages: tuple[str, ...], problems: Problems) -> None:
    keys = [k for k, _ in narrative.outline] + sorted({k for (k, _) in narrative.sections if k.startswith("goal-")})
    for key in keys:
        present = narrative.languages_with(key)
        if not present:
            problems.warn(
                Location(narrative_dir),
                "content.missing_section",
                f'section "{key}" is missing in every language (expected {languages[0]}/{key}.md)',
            )
            continue
        for lang in languages:
            source = narrative.get(key, present[0])
            if lang not in present and source is not None:
                problems.warn(
                    Location(source.path, 1, 1),
                    "content.untranslated",
                    f'section "{key}" has no {lang} version (expected {lang}/{key}.md); the {lang} report shows "not yet translated"',
                )


class _ReportTreeprocessor(Treeprocessor):
    """Nest headings under the section and keep the section's own ids and links unique."""

    def __init__(self, md, ext: _ReportExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        prefix = self.ext.prefix
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        shift = self.ext.top_level - min((int(h.tag[1]) for h in headings), default=self.ext.top_level)
        for heading in headings:
            heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"
        for cell in root.iter("th"):  # Markdown tables have header cells in the first row only
            cell.set("scope", "col")
        local = {el.get("id") for el in root.iter() if el.get("id")}
        for el in root.iter():
            if own_id := el.get("id"):
                el.set("id", f"{prefix}--{own_id.replace(':', '-')}")
            href = el.get("href") or ""
            if el.tag == "a" and href.startswith("#") and href[1:] in local:
                el.set("href", f"#{prefix}--{href[1:].replace(':', '-')}")  # links to other parts stay as written


class _ReportExtension(Extension):
    def __init__(self, prefix: str, top_level: int):
        super().__init__()
        self.prefix, self.top_level = prefix, top_level

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_ReportTreeprocessor(md, self), "vlrgen_report", 1)
