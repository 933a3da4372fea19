"""PDF of each page (for the byråd) and XLSX of the survey results, as the API exports them."""

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_my_area_as_pdf_has_the_numbers_and_no_number_for_the_small_team(dash_org, results, web):
    # When the leader downloads Mit område as PDF
    response = web(dash_org.leader).get("/dashboard/omraade/?format=pdf")

    # Then it is the page's table, suppression included, without the page's navigation
    assert response["Content-Disposition"] == 'attachment; filename="mit-omraade.pdf"'
    text = _pdf_text(response)
    assert "Team Korsør 6 85,7 % 66,7 % −33" in text
    assert "Team Slagelse for få svar" in text
    assert "Log ud" not in text


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/dashboard/heatmap/?format=pdf", "Vi deler viden."),
        ("/dashboard/kernefortaellingen/?format=pdf", "Beliggenhed"),
        ("/dashboard/onboarding/?format=pdf", "Ny i kommunen 00"),
        ("/dashboard/raekkevidde/?format=pdf", "Ny hygiejneinstruks"),
    ],
)
def test_every_page_prints(dash_org, results, journeys, post, web, page, expected):
    text = _pdf_text(web(dash_org.leader).get(page))
    assert expected in text


def test_an_unknown_format_is_not_a_page(dash_org, web):
    assert web(dash_org.leader).get("/dashboard/onboarding/?format=docx").status_code == 404


def test_results_as_xlsx_are_the_api_export(dash_org, results, web, api):
    # Given the API's XLSX export for the leader
    survey, wave = results
    from_api = api(dash_org.leader).get(f"/api/v1/surveys/{survey.pk}/results/?format=xlsx")

    # When the leader downloads the results from the dashboard
    response = web(dash_org.leader).get(f"/dashboard/resultater/{survey.pk}.xlsx?wave={wave.pk}")

    # Then the rows are the same, the small team one "suppressed" row with no number
    def rows(content: bytes) -> list[tuple]:
        return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="resultater-{survey.pk}.xlsx"'
    assert rows(response.content) == rows(from_api.content)
    small = [r for r in rows(response.content) if r[1] == dash_org.team_s.pk]
    assert small == [
        (
            1,
            dash_org.team_s.pk,
            "Team Slagelse",
            None,
            None,
            "suppressed",
            "For få svar til at vise resultatet",
        )
    ]


def test_xlsx_is_refused_to_hr_as_in_the_api(dash_org, results, web):
    response = web(dash_org.hr).get(f"/dashboard/resultater/{results[0].pk}.xlsx")
    assert response.status_code == 403
    assert "Kun ledere og Kommunikation kan se resultater." in response.content.decode()
