"""CSV and XLSX renderings of survey results: the suppressed result, flattened to rows.

They render exactly what the JSON answer holds, so an export can never show more than the API.
"""

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from rest_framework import renderers

HEADER = ("wave", "unit_id", "unit", "question_id", "question", "measure", "value")


def result_rows(data: dict[str, Any]) -> list[tuple]:
    """One row per shown number; suppressed units get one row saying so, with no numbers.

    An open wave (`results_withheld`) has no numbers but each unit's rounded response rate.
    """
    wave = data.get("wave") or {}
    texts = {q["id"]: q["text"] for q in data.get("questions", [])}
    rows: list[tuple] = []
    for unit in data.get("units", []):
        ref = (wave.get("number"), unit["unit"]["id"], unit["unit"]["name"])
        if data.get("results_withheld"):
            rows.append((*ref, None, None, "withheld", _("Resultaterne vises, når runden lukker")))
            if unit.get("response_rate") is not None:
                rows.append((*ref, None, None, "response_rate", unit["response_rate"]))
            continue
        if not unit["shown"]:
            rows.append((*ref, None, None, "suppressed", _("For få svar til at vise resultatet")))
            continue
        for measure in ("respondents", "invited", "response_rate"):
            if unit.get(measure) is not None:
                rows.append((*ref, None, None, measure, unit[measure]))
        for folded in unit.get("folded_units", []):
            rows.append((*ref, None, None, "folded_unit", folded["name"]))
        for question in unit.get("questions", []):
            head = (*ref, question["question"], texts.get(question["question"]))
            for measure in ("answers", "mean", "favourable_share", "enps", "share_correct"):
                if measure in question:
                    rows.append((*head, measure, question[measure]))
            for key, count in (question.get("distribution") or {}).items():
                rows.append((*head, f"count:{key}", count))
            for text in question.get("texts", []):
                rows.append((*head, "text", text))
    return rows


def _cell(value):
    """Free text that looks like a formula is written as text, not run by the spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _ExportRenderer(renderers.BaseRenderer):
    """Errors stay JSON whatever format was asked for: one error shape everywhere."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json"
            response.headers.pop("Content-Disposition", None)
            return json.dumps(data, ensure_ascii=False).encode()
        rows = [HEADER, *result_rows(data)]
        return self.render_rows([tuple(_cell(value) for value in row) for row in rows])

    def render_rows(self, rows: list[tuple]) -> bytes:
        raise NotImplementedError


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render_rows(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(rows)
        # A byte-order mark so Excel opens Danish letters correctly.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class XLSXRenderer(_ExportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render_rows(self, rows):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Resultater"))
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
