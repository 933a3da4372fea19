"""Reading the HR file (CSV or XLSX) into rows of named, stripped text values."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from backend.errors import ApplicationError

# Header (lower case, spaces and hyphens as "_") → field. Danish first; English accepted.
COLUMNS = {
    "medarbejdernummer": "employee_number",
    "employee_number": "employee_number",
    "navn": "name",
    "name": "name",
    "email": "email",
    "e_mail": "email",
    "mobil": "mobile",
    "mobilnummer": "mobile",
    "mobile": "mobile",
    "enhedskode": "unit_code",
    "unit_code": "unit_code",
    "overordnet_enhedskode": "parent_unit_code",
    "parent_unit_code": "parent_unit_code",
    "enhedstype": "unit_kind",
    "unit_kind": "unit_kind",
    "stilling": "job_title",
    "stillingsbetegnelse": "job_title",
    "job_title": "job_title",
    "leder_for": "leader_of",
    "leader_of": "leader_of",
    "startdato": "start_date",
    "start_date": "start_date",
    "slutdato": "end_date",
    "end_date": "end_date",
    "sprog": "language",
    "language": "language",
}
REQUIRED_FIELDS = ("employee_number", "name")


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in the file, the header being row 1
    values: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    fields: frozenset[str]  # the columns the file has: absent columns are left untouched
    rows: list[Row]


def _field(header: str) -> str | None:
    key = str(header or "").strip().lower().replace(" ", "_").replace("-", "_")
    return COLUMNS.get(key)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number cell (an employee or phone number) read as 1234.0
    return str(value).strip()


def read_sheet(*, content: bytes, file_name: str) -> Sheet:
    """Parse the file by its extension; refuse a file whose header lacks a required column."""
    if file_name.lower().endswith(".xlsx"):
        table = _read_xlsx(content)
    elif file_name.lower().endswith((".csv", ".txt")):
        table = _read_csv(content)
    else:
        raise ApplicationError(_("Filen skal være CSV eller XLSX."), code="unsupported_file_type")
    if not table:
        raise ApplicationError(_("Filen er tom."), code="empty_file")
    header, *body = table
    fields = [_field(h) for h in header]
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise ApplicationError(
            _("Filen mangler kolonnen: %(columns)s.")
            % {"columns": ", ".join(_DANISH_HEADER[f] for f in missing)},
            code="missing_columns",
        )
    rows = []
    for index, cells in enumerate(body, start=2):
        values = {
            field: _text(cell)
            for field, cell in zip(fields, cells, strict=False)
            if field is not None
        }
        if any(values.values()):  # blank lines are not rows
            rows.append(Row(number=index, values=values))
    return Sheet(fields=frozenset(f for f in fields if f), rows=rows)


_DANISH_HEADER = {"employee_number": "medarbejdernummer", "name": "navn"}


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" on a Danish Windows is Windows-1252.
        text = content.decode("cp1252")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ApplicationError(_("XLSX-filen kan ikke læses."), code="unreadable_file") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
