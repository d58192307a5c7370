"""A report being assembled in the new site version, and the manifest it leaves beside its pages."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from vlrgen.build.editions import edition_record
from vlrgen.inputs.project import Project
from vlrgen.judge.assessment import Assessment
from vlrgen.report.views import ReportView


@dataclass
class StagedReport:
    project: Project
    staging: Path
    target: Path
    views: dict[str, ReportView] = field(default_factory=dict)
    assessment: Assessment | None = None
    pages: dict[str, int] = field(default_factory=dict)
    html_digests: dict[str, str] = field(default_factory=dict)
    # per language, the PDFs to make: (source HTML in the language folder, PDF name, annex part or "")
    documents: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    annex_pages: dict[str, dict[str, int]] = field(default_factory=dict)
    assets_digest: str | None = None


def write_manifest(plan: StagedReport) -> None:
    config = plan.project.config
    manifest = {
        "slug": config.slug,
        "entity": config.entity.name,
        "code": config.entity.code,
        "kind": config.entity.kind,
        "members": len(plan.project.members),
        "year": config.year,
        "languages": list(config.languages),
        "pdf": {lang: f"{config.slug}-{lang}.pdf" for lang in config.languages if lang in plan.pages},
        "pages": {lang: plan.pages[lang] for lang in config.languages if lang in plan.pages},
        "html_digest": plan.html_digests,
        # the page each PDF is laid out from (a review's print version and county annexes differ)
        "pdf_sources": {pdf: f"{lang}/{html}" for lang, docs in plan.documents.items() for html, pdf, _ in docs},
    }
    manifest.update(edition_record(plan.assessment, config))  # what a later edition compares with (report.previous)
    if plan.project.member_data:  # a review: what it used of each member project (build/stale.py)
        manifest["project"] = os.path.relpath(config.root, plan.target.parent)
        slugs = {m.code: m.slug or "" for m in plan.project.members}
        manifest["member_data"] = {
            code: {"slug": slugs.get(code, ""), "data": digest}
            for code, digest in sorted(plan.project.member_data.items())
        }
    if plan.annex_pages:  # a review over several counties: member summaries printed per county
        manifest["annex_pdf"] = {
            lang: {part: pdf for _, pdf, part in plan.documents[lang] if part}
            for lang in config.languages
            if lang in plan.annex_pages
        }
        manifest["annex_pages"] = {
            lang: {part: plan.annex_pages[lang][part] for _, _, part in plan.documents[lang] if part}
            for lang in config.languages
            if lang in plan.annex_pages
        }
    (plan.staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def read_manifest(target: Path) -> dict:
    try:
        return json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
