"""Language check: every catalog string and every generated sentence passes hunspell.

Each catalog string is rendered with example values for its placeholders; the generated sentences (the
KPI sentences, the highlights, the figure captions and a review's findings) are taken from the planned
example reports, in bokmål and English. A word hunspell does not know fails the test with its key and
the word, unless it is in the reviewed allow-list of its language (`tests/language/allow_<lang>.txt`:
proper nouns, abbreviations and terms, and the few common words the packaged dictionary lacks).

Needs `hunspell` with the Debian packages hunspell-no (nb_NO) and hunspell-en-gb (en_GB), which
`scripts/bootstrap` installs; without them the tests are skipped, saying why.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

from vlrgen import reference
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import assess_project
from vlrgen.report.municipal import plan_report
from vlrgen.report.review import plan_review

DICTIONARIES = {"nb": "nb_NO", "en": "en_GB"}
ALLOW_DIR = Path(__file__).resolve().parent / "language"
CATALOGS = REPO / "report_templates" / "i18n"
REFERENCE = REPO / "src" / "vlrgen" / "reference"
FONTS = template_root() / "fonts"

# Example values for the catalogs' placeholders, as a report fills them in. A placeholder not listed
# here (a new one) gets the place name, which is spelt right in both languages.
EXAMPLE_VALUES = {
    "nb": {
        "indicator": "Andel som bor trangt",
        "subject": "andelen som bor trangt",
        "unit": "%",
        "question": "Har kommunestyret vedtatt å arbeide med bærekraftsmålene?",
        "answer": "«Ja»",
        "status": "gul",
        "meaning": "utfordringer gjenstår",
        "trend": "stagnerer",
        "change": "har blitt bedre",
        "parts": "2 status grønn og 1 status rød",
        "goals": "mål 6 (Rent vann og gode sanitærforhold) med 100 poeng",
        "band": "20 000–49 999 innbyggere",
        "others": "Telemark og hele landet",
        "title": "Frivillig lokal gjennomgang",
    },
    "en": {
        "indicator": "Share of people living in crowded housing",
        "subject": "the share of people living in crowded housing",
        "unit": "%",
        "question": "Has the council decided to work with the goals?",
        "answer": "“Yes”",
        "status": "yellow",
        "meaning": "challenges remain",
        "trend": "stagnating",
        "change": "has improved",
        "parts": "2 green and 1 red",
        "goals": "goal 6 (Clean water and sanitation) with a score of 100",
        "band": "20,000–49,999 inhabitants",
        "others": "Telemark and Norway",
        "title": "Voluntary Local Review",
    },
}
NUMBERS = {"n", "members", "assessed", "total", "surveyed", "with_data", "peers", "rank", "table", "goal", "number"}
NUMBERS |= {"score", "year", "base_year", "version", "u4ssc", "u4ssc_total", "jrc", "jrc_total", "years", "cutoff"}
QUANTITIES = {"start", "end", "target", "value", "bound", "low", "high", "share", "first", "last", "period"}
QUANTITIES |= {"start_period", "end_period"}


def hunspell_missing() -> str:
    """Why the check cannot run here, or "" when it can."""
    if shutil.which("hunspell") is None:
        return "hunspell is not installed (apt-get install hunspell hunspell-no hunspell-en-gb)"
    listed = subprocess.run(["hunspell", "-D"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    found = listed.stdout + listed.stderr
    missing = [d for d in DICTIONARIES.values() if not re.search(rf"/{d}$", found, re.M)]
    if missing:
        return f"hunspell has no dictionary {', '.join(missing)} (apt-get install hunspell-no hunspell-en-gb)"
    return ""


@pytest.fixture(scope="module")
def hunspell() -> None:
    why = hunspell_missing()
    if why:
        pytest.skip(why)


def allowed_words(lang: str) -> set[str]:
    """The reviewed allow-list (one word a line, `#` starts a comment) and the words of the reference
    data's place names; compared without case."""
    lines = (ALLOW_DIR / f"allow_{lang}.txt").read_text(encoding="utf-8").splitlines()
    words = {word.casefold() for line in lines if (word := line.split("#", 1)[0].strip())}
    places = [*reference.municipalities(), *reference.counties()]
    return words | {w.casefold() for code in places for w in re.findall(r"\w+", reference.display_name(code))}


def catalog_texts(path: Path) -> dict[str, str]:
    """A catalog's messages by dotted key, without its [language] table."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.pop("language", None)
    flat: dict[str, str] = {}

    def walk(table: dict, prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[prefix + key] = value

    walk(data, "")
    return flat


def render_example(text: str, lang: str) -> str:
    """A catalog string with its placeholders filled as a report would fill them."""
    values = EXAMPLE_VALUES[lang]

    def value(match: re.Match) -> str:
        name = match[1]
        if name in NUMBERS:
            return "12"
        if name in QUANTITIES:
            return "12,5 %" if lang == "nb" else "12.5%"
        return values.get(name, "Telemark")

    return re.sub(r"\{([a-z_]*)\}", value, text)


FILE_NAME = re.compile(r"[\w./-]*\.(?:csv|md|toml|xlsx)\b")


def misspelt(texts: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """(key, word) for every word hunspell flags in `texts` that the allow-list does not name.

    hunspell first lists the words it does not know in all texts at once (`-l`: fast, no suggestions; the
    suggestions `-a` computes take seconds for the bokmål dictionary's compound words); only the texts
    holding a listed word the allow-list does not name are checked again one line each (`-a`) to name
    their keys."""
    keys = list(texts)
    # File names in guidance for authors (narrative/measures.csv, goal-NN.md) are names, not words.
    plain = {k: " ".join(FILE_NAME.sub(" ", texts[k]).split()) for k in keys}
    allow = allowed_words(lang)
    listed = hunspell_run(["-l"], "".join(plain[k] + "\n" for k in keys), lang).split()
    unknown = {word for word in listed if word.casefold() not in allow}
    keys = [k for k in keys if any(word in plain[k] for word in unknown)]
    if not keys:
        return []
    lines = "".join("^" + plain[k] + "\n" for k in keys)  # "^": a line of text, never a command
    answers = hunspell_run(["-a"], lines, lang).split("\n")[1:]  # the first line is hunspell's banner
    found: list[tuple[str, str]] = []
    line = 0
    for answer in answers:
        if line >= len(keys):
            break
        if answer == "":  # the end of the answers for one input line
            line += 1
        elif answer[0] in "&#":  # & word count offset: suggestions, or # word offset (no suggestion)
            word = answer.split()[1]
            if word.casefold() not in allow:
                found.append((keys[line], word))
    return found


def hunspell_run(mode: list[str], text: str, lang: str) -> str:
    done = subprocess.run(
        ["hunspell", "-d", DICTIONARIES[lang], "-i", "utf-8", *mode],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return done.stdout


def report(found: list[tuple[str, str]], lang: str) -> str:
    words = "\n".join(f"  {key}: {word}" for key, word in found)
    return (
        f"{len(found)} word(s) not in the {DICTIONARIES[lang]} dictionary:\n{words}\n"
        f"Correct the text, or (for a proper noun or term) add the word to tests/language/allow_{lang}.txt"
    )


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_every_catalog_string_is_spelt_right(hunspell, lang):
    texts = {k: render_example(v, lang) for k, v in catalog_texts(CATALOGS / f"{lang}.toml").items()}
    found = misspelt(texts, lang)
    assert not found, report(found, lang)


def test_the_bokmal_goal_names_and_target_texts_are_spelt_right(hunspell):
    """The official English SDG texts are the UN's; the bokmål ones are vlrgen's, so they are checked."""
    texts = {}
    with open(REFERENCE / "sdg_goals.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts[f"goal.{row['goal']}.short"] = row["short_nb"]
            texts[f"goal.{row['goal']}.title"] = row["title_nb"]
    with open(REFERENCE / "sdg_targets.csv", encoding="utf-8") as handle:
        texts |= {f"target.{r['target']}": r["title_nb"] for r in csv.DictReader(handle) if r["title_nb"]}
    found = misspelt(texts, "nb")
    assert not found, report(found, "nb")


@pytest.fixture(scope="module")
def assessed(example_projects_checked) -> dict:
    """The example's municipal report and national review, judged once for both languages."""
    return {
        name: (example_projects_checked[name], assess_project(example_projects_checked[name]))
        for name in ("porsgrunn", "norge")
    }


def generated_sentences(assessed: dict, lang: str) -> dict[str, str]:
    """The sentences vlrgen writes for the example: a municipal report's and the national review's."""
    texts: dict[str, str] = {}
    project, judged = assessed["porsgrunn"]
    language = project.languages[lang]
    entity = judged.entity
    view = plan_report(project.config, project.narrative, project.dataset, entity, language, FONTS)
    for goal in view.goals:
        for kpi in goal.kpis:
            if kpi.sentence:
                texts[f"porsgrunn: sentence for {kpi.summary.indicator.id}"] = kpi.sentence
    texts |= {f"porsgrunn: highlight {i}": s for i, s in enumerate(view.highlights, 1)}
    texts |= {f"porsgrunn: figure {f.number} caption": f.caption for f in view.figures}
    assert view.editions is not None  # the example compares with its previous edition (report.previous)
    editions = (*view.editions.sentences, view.editions.new_sentence, view.editions.dropped_sentence)
    texts |= {f"porsgrunn: changes since the previous review {i}": s for i, s in enumerate(editions, 1)}
    texts |= {f"porsgrunn: {b.anchor}": f"{b.title}. {b.sentence}" for b in view.breakdowns}
    texts["porsgrunn: leave no one behind"] = view.breakdown_intro
    project, judged = assessed["norge"]
    language = project.languages[lang]
    review = judged.review
    national = plan_review(
        project.config, project.narrative, project.dataset, review, language, FONTS, project.survey, {}
    )
    texts |= {f"norge: finding {i}": s for i, s in enumerate(national.highlights, 1)}
    texts |= {f"norge: figure {f.number} caption": f.caption for f in national.figures}
    texts |= {f"norge: breakdown {i}": s for i, s in enumerate(national.breakdowns, 1)}
    return texts


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_every_generated_sentence_is_spelt_right(hunspell, assessed, lang):
    texts = generated_sentences(assessed, lang)
    assert len(texts) > 40  # sentences, highlights and captions of both reports
    found = misspelt(texts, lang)
    assert not found, report(found, lang)


def test_a_misspelling_fails_with_its_key_and_the_word(hunspell):
    texts = {k: render_example(v, "nb") for k, v in catalog_texts(CATALOGS / "nb.toml").items()}
    texts["ui.contents"] = "Innholdsfortegnelsse"
    texts["dashboard.intro"] = texts["dashboard.intro"].replace("status og trend", "status og trnd")
    found = misspelt(texts, "nb")
    assert found == [("ui.contents", "Innholdsfortegnelsse"), ("dashboard.intro", "trnd")]
    message = report(found, "nb")
    assert "  ui.contents: Innholdsfortegnelsse\n  dashboard.intro: trnd\n" in message
    assert "tests/language/allow_nb.txt" in message


def test_the_check_skips_with_a_reason_when_hunspell_is_missing(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert hunspell_missing().startswith("hunspell is not installed")


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_the_method_annex_defines_every_status_and_trend_word(lang):
    """Every word a KPI table or tile shows for a status, a trend or a local target is explained in the
    method annex, in the same words."""
    texts = catalog_texts(CATALOGS / f"{lang}.toml")
    method = " ".join(texts[k] for k in ("method.intro_sdsn", "method.intro_trend", "method.intro_target"))
    shown = [k for k in texts if k.split(".")[0] in ("status", "status_meaning", "trend", "target_progress")]
    missing = [k for k in shown if texts[k].casefold() not in method.casefold()]
    assert not missing, f"not defined in the method annex ({lang}): " + ", ".join(
        f"{k} = {texts[k]!r}" for k in missing
    )


# What a native reader of the example found (issue 16), quoted as printed, and the English equivalents:
# none of it may come back in a PDF.
FOUND_BY_A_READER = {
    "nb": (
        "på ett blikk",
        "Hver flis",
        "Best resultat har mål",
        "og trenden er:",
        "Innbyggere 80 år og eldre økte",
        "Mobbing, 7. trinn økte",
        "målet er nådd",
        "Mål 2030",
        "stedfortreder",
        "ingen retning er bedre",
        "bærekraftsdashboard (Sustainable",
        "negativt forverring",
        "Genererte funn",
        "i undersøkelsen hver",
        "Antall av de",
        "andelene er regnet av disse",
        "Tomt svar regnes",
        "med indikatordata: hvor mange",
        "Hvilke kommuner som har",
        "Siste verdi for",
        "hører hjemme i denne listen",
        "ikke beregnet: for få",
        "Illustrerende svar",
        "og Hele landet",
        "Ingen fattigdom",
        "Ren energi til alle",
        "Laget med vlrgen",
    ),
    "en": (
        "The goals at a glance",
        "and the trend:",
        "Residents aged 80 and over rose",
        "Bullying, grade 7 rose",
        "goal achieved",
        "Target 2030",
        "neither is better",
        "Generated findings",
        "surveyed municipalities each",
        "Number of the",
        "shares are of those",
        "An empty answer counts",
        "with indicator data: how many",
        "Which municipalities report which",
        "belong in this list",
        "not computed: too few",
        "Illustrative answers",
        "Made with vlrgen",
        "Norge",
    ),
}
RANGE_WITH_HYPHEN = re.compile(r"\b(?:\d{4}(?:/\d{2})?-\d{4}|1-5 år|aged 1-5)\b")
CSDATA_NAMES = re.compile(
    r"\b(?:Oslo-Oslove|Troms-Romssa|Nordland-Nordlándda|Innlandet-Sisdajven|Finnmark-Finnmárkku)\b"
)


@pytest.mark.pdf
def test_the_example_pdfs_have_none_of_what_the_reader_found(example_build):
    from test_pdf import pdftext

    slugs = sorted(p.name for p in example_build.iterdir() if (p / "manifest.json").is_file())
    pdfs = sorted(example_build.glob("*/*.pdf"))
    assert len(pdfs) > 30 and len(slugs) == 4
    found = []
    for pdf in pdfs:
        text = pdftext(pdf)
        flat = " ".join(text.split())  # a phrase may wrap
        lang = "en" if "-en" in pdf.stem else "nb"
        found += [(pdf.name, s) for s in FOUND_BY_A_READER[lang] if s in flat]
        found += [(pdf.name, m) for m in RANGE_WITH_HYPHEN.findall(text) + CSDATA_NAMES.findall(text)]
        found += [(pdf.name, s) for s in (".csv", "mappen", "(folder", *slugs) if s in flat]
        cover = text.split("\f", 1)[0]
        found += [(pdf.name, "vlrgen on the cover")] if "vlrgen" in cover else []
    index = re.sub(r"<[^>]+>", " ", (example_build / "index.html").read_text(encoding="utf-8"))
    found += [("index.html", s) for s in ("bygget med vlrgen", "built with vlrgen") if s in " ".join(index.split())]
    assert not found, "\n".join(f"{name}: {what}" for name, what in found)


def test_a_target_text_is_marked_as_english_or_as_an_unofficial_translation(example_projects_checked):
    from vlrgen.report.municipal import _target_text

    languages = example_projects_checked["porsgrunn"].languages
    nb, en = languages["nb"], languages["en"]
    official = reference.target_titles()
    assert _target_text("1.1", nb) == ("1.1", official["1.1"]["en"], "en")  # no bokmål text: the UN's English
    code, text, lang = _target_text("13.2", nb)
    assert (code, lang) == ("13.2", "nb") and text.endswith("(uoffisiell oversettelse)")
    assert _target_text("13.2", en) == ("13.2", official["13.2"]["en"], "en")
