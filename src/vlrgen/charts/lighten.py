"""Make matplotlib's SVG cheaper to lay out without changing a pixel of what it draws.

matplotlib writes every artist in its own `<g id=…>`, every marker and tick as a `<use>` of a shared
definition, every grid line with its own clip path, text with an identity `rotate(-0 …)`, and an RDF
metadata block. A layout engine (WeasyPrint) pays per element: its style cascade, its graphics state,
a clip for each clipped element, and the parser reads every byte of the page the chart is inlined in.
`lighten` rewrites the document:

- drops the metadata, identity rotations, ids nobody refers to and wrappers with no attributes;
- writes each `<use>` as the path it shows, moved to its place (the definition's own style wins over
  the `<use>`'s, as in SVG);
- joins paths that paint alike (same clip, same style, opaque, undashed, one paint or fill equal to
  stroke) into one path. A path only moves back to join an earlier one when nothing drawn in between
  can overlap it (bounding boxes, text measured generously), so the painting order of anything that
  overlaps is kept: opaque paint of one colour looks the same painted once or twice.

Anything it does not understand it leaves as it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["lighten"]

SVG, XLINK = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
_G, _PATH, _USE, _TEXT = f"{{{SVG}}}g", f"{{{SVG}}}path", f"{{{SVG}}}use", f"{{{SVG}}}text"
_DEFS, _METADATA, _HREF = f"{{{SVG}}}defs", f"{{{SVG}}}metadata", f"{{{XLINK}}}href"
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"[MLQCZmlqcz]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
_IDENTITY_ROTATION = re.compile(r"^rotate\(-?0 [-\d.e]+ [-\d.e]+\)$")
_REFERENCE = re.compile(r"url\(#([^)]+)\)")

Box = tuple[float, float, float, float]


def lighten(svg: str) -> str:
    """The same drawing with fewer elements and bytes; the input itself when it is not plain matplotlib SVG."""
    try:
        head, body = svg[: svg.index("<svg")], svg[svg.index("<svg") :]
        ET.register_namespace("", SVG)
        ET.register_namespace("xlink", XLINK)
        root = ET.fromstring(body)
        _rewrite(root)
    except (ValueError, ET.ParseError):
        return svg
    head = re.sub(r"<!DOCTYPE[^>]*>\s*", "", head)
    return head + ET.tostring(root, encoding="unicode") + "\n"


def _rewrite(root: ET.Element) -> None:
    definitions = {e.get("id"): e for e in root.iter() if e.get("id") and e.tag == _PATH}
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == _METADATA:
                parent.remove(child)
            elif child.tag == _TEXT and _IDENTITY_ROTATION.match(child.get("transform", "")):
                del child.attrib["transform"]
            elif child.tag == _USE:
                path = _used_path(child, definitions)
                if path is not None:
                    parent[list(parent).index(child)] = path
    _flatten(root)
    for element in list(root.iter()):
        _join_paths(element)
    used = {m for e in root.iter() for v in e.attrib.values() for m in _REFERENCE.findall(v)}
    used |= {e.get(_HREF, "")[1:] for e in root.iter() if e.tag == _USE}
    for element in root.iter():
        if element.get("id") and element.get("id") not in used:
            del element.attrib["id"]
    for parent in list(root.iter()):  # definitions only <use> needed (a style sheet or clip path stays)
        for child in list(parent):
            if child.tag == _DEFS and all(e.tag == _PATH and e.get("id") not in used for e in child):
                parent.remove(child)
    _flatten(root)
    for element in root.iter():  # matplotlib's indentation: text nodes an HTML parser has to keep
        if element.tag != _TEXT:
            element.text = None if element.text and not element.text.strip() else element.text
        element.tail = None if element.tail and not element.tail.strip() else element.tail
        if element.tag == _PATH and element.get("d"):
            element.set("d", " ".join(element.get("d", "").split()))


def _flatten(element: ET.Element) -> None:
    """Replace each group without attributes (other than an id no one refers to) by its children."""
    children: list[ET.Element] = []
    for child in element:
        _flatten(child)
        if child.tag == _G and set(child.attrib) <= {"id"}:
            children.extend(child)
        else:
            children.append(child)
    element[:] = children


def _used_path(use: ET.Element, definitions: dict) -> ET.Element | None:
    target = definitions.get(use.get(_HREF, "").removeprefix("#"))
    if target is None or set(use.attrib) - {_HREF, "x", "y", "style"} or set(target.attrib) - {"id", "d", "style"}:
        return None
    try:
        dx, dy = float(use.get("x", 0)), float(use.get("y", 0))
    except ValueError:
        return None
    d = _moved(target.get("d", ""), dx, dy)
    if d is None:
        return None
    style = _style(use.get("style", "")) | _style(target.get("style", ""))
    return ET.Element(_PATH, {"d": d, "style": "; ".join(f"{k}: {v}" for k, v in style.items())})


def _moved(d: str, dx: float, dy: float) -> str | None:
    """Path data with absolute commands (matplotlib's M, L, Q, C, z) moved by (dx, dy); None for anything else."""
    out, coordinate = [], 0
    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if token not in "MLQCz":
                return None
            out.append(token)
            coordinate = 0
        else:
            value = float(token) + (dx if coordinate % 2 == 0 else dy)
            out.append(f"{value:.6f}".rstrip("0").rstrip("."))
            coordinate += 1
    return " ".join(out)


def _style(text: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in text.split(";") if ":" in part)
    return {key.strip(): value.strip() for key, value in pairs}


def _join_key(element: ET.Element) -> tuple | None:
    """What two joinable paths must share; None when joining could change how the path looks."""
    if element.tag != _PATH or set(element.attrib) - {"d", "style", "clip-path"}:
        return None
    style = _style(element.get("style", ""))
    if any("opacity" in key or "dash" in key or "marker" in key for key in style):
        return None
    fill, stroke = style.get("fill", "#000000"), style.get("stroke", "none")
    if fill != "none" and stroke != "none" and fill != stroke:
        return None  # filled and outlined in two colours: the order of fills and outlines would change
    return element.get("clip-path", ""), tuple(sorted(style.items()))


def _join_paths(parent: ET.Element) -> None:
    kept: list[ET.Element] = []
    parts: list[list[Box] | None] = []  # the boxes of what each kept element paints; None: unknown
    for child in list(parent):
        key, box, target = _join_key(child), _box(child), None
        if key is not None and box is not None:
            for position in range(len(kept) - 1, -1, -1):
                if _join_key(kept[position]) == key:
                    # Filled shapes join only where they do not overlap: the fill rule (nonzero) could
                    # otherwise cut a hole where two outlines of opposite direction cross.
                    filled = _style(child.get("style", "")).get("fill", "#000000") != "none"
                    if not (filled and _overlaps(parts[position], box)):
                        target = position
                    break
                if _overlaps(parts[position], box):
                    break
        if target is None:
            kept.append(child)
            parts.append(None if box is None else [box])
        else:
            kept[target].set("d", kept[target].get("d", "") + " " + child.get("d", ""))
            parts[target].append(box)  # type: ignore[union-attr, arg-type]
    parent[:] = kept


def _box(element: ET.Element) -> Box | None:
    """A generous bounding box of a path (with its stroke) or a text; None for anything else."""
    if element.tag == _PATH:
        numbers = [float(n) for n in _NUMBER.findall(re.sub(r"[A-Za-z]", " ", element.get("d", "")))]
        if not numbers or len(numbers) % 2:
            return None
        width = _style(element.get("style", "")).get("stroke-width", "1")
        try:
            half = float(width.removesuffix("px")) * 2  # square caps and miter joins reach further than half
        except ValueError:
            return None
        xs, ys = numbers[0::2], numbers[1::2]
        return min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half
    if element.tag == _TEXT and not element.get("transform") and len(element) == 0:
        try:
            x, y = float(element.get("x", "")), float(element.get("y", ""))
            size = float(re.search(r"font-size:\s*([\d.]+)", element.get("style", ""))[1])  # type: ignore[index]
        except (TypeError, ValueError):
            return None
        reach = len(element.text or "") * size  # wider than any glyph of the text
        return x - reach, y - 1.5 * size, x + reach, y + size
    return None


def _overlaps(painted: list[Box] | None, b: Box) -> bool:
    return painted is None or any(not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]) for a in painted)
