"""The site's `index.html`: every report in a site version, with editions linked."""

from __future__ import annotations

import json
import os
from pathlib import Path

from vlrgen.inputs.i18n import Language
from vlrgen.output.html import render_index


def _link_editions(manifests: list[dict]) -> None:
    """Each report's previous edition (`previous_edition`: slug or None, entity, year) and the later editions
    listed here that name it as theirs (`later_editions`)."""
    listed = {m.get("slug"): m for m in manifests}
    for manifest in manifests:
        manifest.setdefault("later_editions", [])
    for manifest in manifests:
        before = manifest.get("previous")
        if not isinstance(before, dict):
            continue
        slug = before.get("slug") if before.get("slug") in listed else None
        manifest["previous_edition"] = {
            "slug": slug,
            "href": f"{slug}/index.html" if slug else None,
            "entity": before.get("entity", ""),
            "year": before.get("year"),
        }
        if slug:
            later = {"slug": manifest.get("slug"), "href": f"{manifest.get('slug')}/index.html"}
            listed[slug]["later_editions"].append(later | {"year": manifest.get("year")})


def write_site_index(out_dir: Path, env, catalogs: dict[str, Language]) -> None:
    """`index.html` in `out_dir` (a site version): every report in it, from their manifests."""
    manifests = []
    for path in sorted(out_dir.glob("*/manifest.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest.setdefault("members", 0)  # written by an older vlrgen
        review = manifest["members"] > 0
        manifest["index_kind"] = {"vsr": "vsr", "county": "county_review" if review else "county"}.get(
            manifest.get("kind"), "municipality"
        )
        slug = manifest.get("slug", path.parent.name)  # links relative to the index, beside the report folders
        manifest["href"] = f"{slug}/index.html"
        manifest["html_hrefs"] = {lang: f"{slug}/{lang}/index.html" for lang in manifest.get("languages", ())}
        manifest["pdf_hrefs"] = {lang: f"{slug}/{name}" for lang, name in manifest.get("pdf", {}).items()}
        manifests.append(manifest)
    _link_editions(manifests)
    order = ("vsr", "county_review", "county", "municipality")  # the national review first, then counties
    manifests.sort(key=lambda m: (order.index(m["index_kind"]), m.get("entity", ""), m.get("year", 0)))
    # The page speaks every language of the reports listed, in order of first appearance. A language
    # without a catalog in this run (a report left from an earlier build) is linked under its code.
    codes = list(dict.fromkeys(code for m in manifests for code in m.get("languages", ()) if code in catalogs))
    html = render_index(
        env,
        "site_index.html",
        reports=manifests,
        catalogs=catalogs,
        index_languages=codes or list(catalogs),
        stylesheet=f"{manifests[0]['slug']}/assets/report.css" if manifests else "",
    )
    temporary = out_dir / f".index-{os.getpid()}.html"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out_dir / "index.html")
