"""Gather and check every project, loading each data set once (or from the artifact cache)."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from vlrgen.build.cache import ArtifactCache, data_key
from vlrgen.inputs.config import Config
from vlrgen.inputs.dataset import Dataset
from vlrgen.inputs.library import in_a_library
from vlrgen.inputs.project import Project, gather_project, load_config_data
from vlrgen.inputs.recent import Recent
from vlrgen.problems import Problems


def _load_dataset(config: Config, problems: Problems, cache: ArtifactCache | None) -> Dataset:
    """Load the data, or reuse the result stored for exactly the same input files and languages (and its problems).

    The entry is found by the files the config names and the report languages; it is used only if every
    file the input phase read for it (the raw files a sources file names, too) is still the same.
    """
    paths = (config.indicators_path, config.observations_path, config.sources_path)
    scope = f"{','.join(config.languages)}|{','.join(map(str, config.roots))}|{config.limits}"  # what may be read
    named = f"{data_key(*paths)}|{scope}|{config.library or ''}"
    key = hashlib.sha256(named.encode()).hexdigest() if cache else None
    recent = _RECENT_DATA.recall(key) if key else None  # a preview rebuilds in the same process
    if recent and data_key(*recent[0].files) == recent[2]:
        problems.extend(recent[1])
        return recent[0]
    stored = cache.get("data", key, ".pickle") if cache and key else None
    if stored and key:
        try:
            dataset, found, read_digest = pickle.loads(stored.read_bytes())
            if data_key(*dataset.files) == read_digest:
                problems.extend(found)
                _RECENT_DATA.remember(key, (dataset, found, read_digest))
                return dataset
        except Exception:  # a damaged or old cache entry: read the files again
            pass
    found = Problems()
    dataset = load_config_data(config, found)
    problems.extend(found)
    if cache and key and not found.errors:
        stored_data = (dataset, found.items, data_key(*dataset.files))
        cache.put_bytes("data", key, ".pickle", pickle.dumps(stored_data))
        _RECENT_DATA.remember(key, stored_data)
    return dataset


# The data sets this process loaded last, by cache key: unpickling the example's data takes over a second,
# and `vlrgen serve` rebuilds in one process after every edit (issue 17: an edit shows in ≤ 0.5 s). A data
# set is frozen, and an entry is used only while every file it was read from is unchanged.
_RECENT_DATA: Recent[str, tuple] = Recent(2)


def check_projects(
    paths: list[Path], strict: bool = False, languages=None, formats=None, cache: ArtifactCache | None = None
) -> tuple[list[Project], Problems]:
    problems = Problems()
    datasets: dict = {}

    def load_data(config: Config, found: Problems) -> Dataset:
        return _load_dataset(config, found, cache)

    projects = [p for path in paths if (p := gather_project(path, problems, languages, formats, datasets, load_data))]
    seen: dict[str, Config] = {}
    for project in projects:
        slug = project.config.slug
        if slug in seen:
            problems.add(
                project.config.locate("report.slug"),
                "config.duplicate_slug",
                f"two projects would both write output/{slug} (also {seen[slug].path})",
                hint="set report.slug in one of them",
            )
        seen[slug] = project.config
    # --strict fails on the author's warnings; a data-quality warning about a packaged library's file stays a
    # warning (printed, and noted in the report), or every project on the library would fail CI forever.
    return projects, (problems.strict(lambda p: not in_a_library(p.location.path)) if strict else problems)
