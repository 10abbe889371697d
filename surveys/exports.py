"""Excel exports of a survey: every response, and the results summary.

Responses: one row per response, one column per question, and for a multiple-choice
question one 0/1 column per option. Typed text starting with = + - @ stays text
(committee/exports.py ``safe_cell``). Written with openpyxl's write-only workbook.
"""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from committee.exports import safe_cell
from surveys.models import Answer, Question
from surveys.results import SurveyResults


def _header(ws, labels: list[str]) -> None:
    row = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font = Font(bold=True)
        row.append(cell)
    ws.append(row)


def _saved(wb: Workbook):
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return handle


def responses_workbook(survey, responses: QuerySet):
    """One row per response; returns an open temporary file (four queries)."""
    questions = list(survey.questions.prefetch_related("choices"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Responses")[:31])
    ws.freeze_panes = "B2"
    labels = [_("response"), _("submitted"), _("how"), _("entered by"), _("invitation code")]
    for number, question in enumerate(questions, start=1):
        if question.kind == Question.Kind.MULTIPLE:
            labels += [f"Q{number} {question.text} · {c.text}" for c in question.choices.all()]
        else:
            labels.append(f"Q{number} {question.text}")
    _header(ws, labels)

    by_response: dict[int, list[tuple[int, int | None, object, str]]] = {}
    for row in (
        Answer.objects.filter(response__in=responses.values("pk"))
        .order_by("pk")
        .values_list("response", "question", "choice", "number", "text")
        .iterator()
    ):
        by_response.setdefault(row[0], []).append(row[1:])

    for response in responses.select_related("entered_by", "invitation").order_by(
        "submitted_at", "pk"
    ):
        picked: set[int] = set()
        values: dict[int, object] = {}
        for question_id, choice_id, number, text in by_response.get(response.pk, []):
            if choice_id is not None:
                picked.add(choice_id)
            values[question_id] = number if number is not None else text
        cells = [
            response.pk,
            response.submitted_at,
            response.get_channel_display(),
            response.entered_by.get_username() if response.entered_by else "",
            response.invitation.code if response.invitation else "",
        ]
        for question in questions:
            if question.kind == Question.Kind.MULTIPLE:
                cells += [1 if c.pk in picked else 0 for c in question.choices.all()]
            elif question.kind == Question.Kind.SINGLE:
                chosen = [c.text for c in question.choices.all() if c.pk in picked]
                cells.append(chosen[0] if chosen else None)
            else:
                cells.append(values.get(question.pk))
        ws.append([safe_cell(ws, value) for value in cells])
    return _saved(wb)


def summary_workbook(results: SurveyResults):
    """The results page as a sheet: counts, percentages, averages, free texts."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Results")[:31])
    _header(ws, [str(results.survey)])
    ws.append([safe_cell(ws, _("responses")), None, results.responses])
    ws.append([safe_cell(ws, _("online")), None, results.online])
    ws.append([safe_cell(ws, _("paper")), None, results.paper])
    for number, qr in enumerate(results.questions, start=1):
        ws.append([])
        _header(ws, [f"Q{number} {qr.question.text}", _("answers"), _("share of those answering")])
        for option in qr.options:
            share = None if option.percent is None else option.percent / 100
            cell = safe_cell(ws, share)
            cell.number_format = "0.0%"
            ws.append([safe_cell(ws, option.label), option.count, cell])
        if qr.average is not None:
            ws.append([safe_cell(ws, _("average")), None, safe_cell(ws, qr.average)])
        ws.append([safe_cell(ws, _("answered")), qr.answered])
        for text in qr.texts:
            ws.append([safe_cell(ws, text)])
    return _saved(wb)
