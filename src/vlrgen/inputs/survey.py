"""Survey answers: read a review's survey (one row per municipality) and summarise it by group.

The questions file names each question's column, the allowed answers and, per report language,
the question (`question_<lang>`) and the answers' labels (`answers_<lang>`); a column missing for
a report language is an error. The answers file has one row per municipality. Unknown municipalities, answers that
are not allowed and municipalities answering twice are reported with file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vlrgen.inputs.config import Survey
from vlrgen.inputs.entities import resolve_entity
from vlrgen.inputs.tables import ReadOptions, Table, TableLimits, read_table
from vlrgen.inputs.tables.columns import report_duplicates
from vlrgen.problems import Problems

__all__ = ["GroupSummary", "Question", "SurveyData", "load_survey", "summarise_question"]

MAX_ANSWERS = 6  # distinct colours in the survey charts, besides "no answer"
QUESTION_COLUMNS = ("column", "answers")  # and question_<lang>, answers_<lang> per report language


@dataclass(frozen=True)
class Question:
    column: str
    text: dict[str, str]
    answers: tuple[str, ...]  # the values written in the answers file, in display order
    labels: dict[str, tuple[str, ...]]  # per language, one label per answer


@dataclass(frozen=True)
class SurveyData:
    questions: tuple[Question, ...]
    answers: dict[str, dict[str, str]]  # municipality code → question column → answer ("" = no answer)
    illustrative: bool
    source: str  # file name, for the caption


@dataclass(frozen=True)
class GroupSummary:
    label: str
    members: int  # members in the group
    surveyed: int  # members in the group with a row in the answers file
    counts: tuple[int, ...]  # per answer among the surveyed, then "no answer" (an empty cell) last


def load_survey(
    survey: Survey, languages: tuple[str, ...], problems: Problems, limits: TableLimits | None = None
) -> SurveyData | None:
    """The survey, with its questions and answer labels in `languages` (the report languages)."""
    limits = limits or TableLimits()
    questions = _load_questions(survey.questions, languages, problems, limits)
    if questions is None:
        return None
    required = (survey.entity_column,) + tuple(q.column for q in questions)
    table = read_table(survey.answers, ReadOptions(required=required, limits=limits), problems)
    if table is None or not _written_once(table, required, problems):
        return None
    answers: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    for row in table.rows:
        cell = row[survey.entity_column]
        resolution = resolve_entity(cell.text)
        code = resolution.code
        if code is None or len(code) != 4:
            problems.add(
                cell.location,
                "survey.unknown_municipality",
                resolution.note or f'"{cell.text}" is not a municipality in the 2024 structure',
                hint=f'did you mean "{resolution.suggestion}"?'
                if resolution.suggestion
                else "use the kommunenummer or the 2024 name",
            )
            continue
        if code in answers:
            problems.add(
                cell.location,
                "survey.duplicate",
                f"{cell.text} answers twice (first on line {first_line[code]})",
                hint="keep one row per municipality",
            )
            continue
        first_line[code] = cell.location.line
        answers[code] = {q.column: _answer(row, q, problems) for q in questions}
    return SurveyData(questions, answers, survey.illustrative, survey.answers.name)


def _answer(row, question: Question, problems: Problems) -> str:
    cell = row[question.column]
    text = cell.text.strip()
    by_fold = {a.casefold(): a for a in question.answers}
    if not text:
        return ""
    if text.casefold() not in by_fold:
        allowed = ", ".join(question.answers)
        problems.add(
            cell.location,
            "survey.unknown_answer",
            f'"{text}" is not an answer to {question.column}; allowed: {allowed} (or empty for no answer)',
        )
        return ""
    return by_fold[text.casefold()]


def _load_questions(
    path: Path, languages: tuple[str, ...], problems: Problems, limits: TableLimits
) -> tuple[Question, ...] | None:
    per_language = tuple(f"{field}_{lang}" for lang in languages for field in ("question", "answers"))
    table = read_table(path, ReadOptions(required=QUESTION_COLUMNS + per_language, limits=limits), problems)
    if table is None or not _written_once(table, QUESTION_COLUMNS + per_language, problems):
        return None
    questions = []
    for row in table.rows:
        answers = tuple(a.strip() for a in row.text("answers").split(";") if a.strip())
        labels = {lang: tuple(a.strip() for a in row.text(f"answers_{lang}").split(";")) for lang in languages}
        bad = [lang for lang in languages if len(labels[lang]) != len(answers)]
        if not row.text("column") or not answers or bad:
            columns = " and ".join(f"answers_{lang}" for lang in languages)
            problems.add(
                row["answers"].location,
                "survey.invalid_question",
                f"each question needs a column, answers separated by ; and as many labels in {columns}",
            )
            continue
        if len(answers) > MAX_ANSWERS:
            problems.add(
                row["answers"].location,
                "survey.too_many_answers",
                f"{len(answers)} answers; a chart can tell at most {MAX_ANSWERS} apart",
                hint="group some answers together in the answers file",
            )
            continue
        texts = {lang: row.text(f"question_{lang}") for lang in languages}
        questions.append(Question(row.text("column"), texts, answers, labels))
    return tuple(questions)


def _written_once(table: Table, columns: tuple[str, ...], problems: Problems) -> bool:
    hint = "a column the survey reads must be written once in the header; rename the other"
    return report_duplicates(table, columns, problems, "survey.duplicate_column", 'the survey column "{name}"', hint)


def summarise_question(
    data: SurveyData, question: Question, members: Sequence, group_of: Callable, label_of: Callable
) -> tuple[GroupSummary, ...]:
    """Counts of each answer per group of members (e.g. county or size band), in group order.

    Shares are of the members in the answers file; members without a row were not surveyed.
    """
    groups: dict = {}
    for member in members:
        groups.setdefault(group_of(member), []).append(member)
    summaries = []
    for key in sorted(groups, key=lambda k: (k is None, k)):
        surveyed = [m for m in groups[key] if m.code in data.answers]
        answered = [data.answers[m.code].get(question.column, "") for m in surveyed]
        counts = tuple(answered.count(a) for a in question.answers) + (answered.count(""),)
        summaries.append(GroupSummary(label_of(key), len(groups[key]), len(surveyed), counts))
    return tuple(summaries)
