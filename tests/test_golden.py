"""Golden output: every HTML page of the example (`--format html`) equals its stored copy in tests/golden/.

A difference fails with a unified diff excerpt. If the change is intended, run `bash scripts/update-golden`
and commit the rewritten pages with the change that caused them; tests never rewrite them.
How pages are stored and normalised: `golden_pages.py`.
"""

import pytest
from golden_pages import built_pages, diff_excerpt, golden_pages, normalise, read_golden

UPDATE = "if the change is intended, run: bash scripts/update-golden"


def test_the_example_builds_exactly_the_golden_pages(example_build_html):
    built, golden = set(built_pages(example_build_html)), set(golden_pages())
    assert built == golden, f"new pages: {sorted(built - golden)}, gone: {sorted(golden - built)}; {UPDATE}"


@pytest.mark.parametrize("name", sorted(golden_pages()))
def test_page_equals_its_golden_copy(example_build_html, name):
    page = example_build_html / name
    if not page.is_file():
        pytest.fail(f"{name} was not built; {UPDATE}")
    expected, actual = read_golden(golden_pages()[name]), normalise(page.read_text(encoding="utf-8"))
    if actual != expected:
        pytest.fail(f"{diff_excerpt(expected, actual, name)}\n{UPDATE}", pytrace=False)


def test_a_difference_is_shown_as_a_short_unified_diff():
    expected = "\n".join(f"line {n}" for n in range(200))
    actual = expected.replace("line 50", "line fifty").replace("line 150", "x" * 1000)
    text = diff_excerpt(expected, actual, "porsgrunn-2025/nb/index.html")
    assert text.startswith("4 changed line(s) in porsgrunn-2025/nb/index.html:")
    assert "--- golden/porsgrunn-2025/nb/index.html" in text and "-line 50\n+line fifty" in text
    assert "\n+" + "x" * 239 + " […]\n" in text  # long lines are cut
