"""The dashboard shows an open wave's response rates and nothing computed from its answers."""

import io
import re

import pytest
from openpyxl import load_workbook

from surveys.models import Invitation
from tests.surveys.factories import open_wave, respond

from .test_pages import _row, _value

pytestmark = pytest.mark.django_db

PAGES = ("/dashboard/omraade/", "/dashboard/heatmap/", "/dashboard/kernefortaellingen/")


def _read(client, survey) -> dict:
    """Each survey page as HTML (without its per-request form token), and the XLSX rows."""
    seen = {}
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200
        seen[page] = re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()
        )
    xlsx = client.get(f"/dashboard/resultater/{survey.pk}.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    seen["xlsx"] = [list(row) for row in sheet.iter_rows(values_only=True)]
    return seen


def test_an_open_wave_on_the_dashboard_shows_rates_and_one_more_answer_changes_nothing(
    dash_org, results, web
):
    # Given the closed first wave, and a second wave now open: 4 of Team Korsør's 7 answered
    survey, _first = results
    wave = open_wave(survey, number=2)
    invited = Invitation.objects.filter(wave=wave).select_related("user")
    korsoer = [i.user for i in invited.filter(unit=dash_org.team_a).order_by("user_id")]
    newcomer = invited.filter(unit=dash_org.team_s).order_by("user_id").first().user
    respond(wave, korsoer[:4], value=5, text="Mere tid")
    client = web(dash_org.leader)
    before = _read(client, survey)

    # When one more, in the 2-person Team Slagelse, answers
    respond(wave, [newcomer], value=1, text="Min leder lytter ikke", correct=False)
    after = _read(client, survey)

    # Then no page and no download changed
    assert after == before
    # And Mit område shows only each unit's rate, rounded down: Vest 5 of 13, Korsør 4 of 7
    area = after["/dashboard/omraade/"]
    assert 'data-withheld="true"' in area
    assert _value(_row(area, "data-unit", dash_org.unit_a.pk), "response_rate") == (
        "0.3",
        "mindst 30 %",
    )
    assert _value(_row(area, "data-unit", dash_org.team_a.pk), "response_rate") == (
        "0.5",
        "mindst 50 %",
    )
    assert "for få inviterede" in _row(area, "data-unit", dash_org.team_s.pk)
    for measure in ("respondents", "favourable_share", "enps"):
        assert f'data-measure="{measure}"' not in area
    # And the heatmap has no cells, only that the wave is open
    assert 'id="heatmap-withheld"' in after["/dashboard/heatmap/"]
    assert 'class="cell' not in after["/dashboard/heatmap/"]
    # And the download says the same: the withheld notice and the rates, no answers
    measures = [row[5] for row in after["xlsx"][1:]]
    assert set(measures) == {"withheld", "response_rate"}
    assert "Mere tid" not in str(after) and "Min leder lytter ikke" not in str(after)


def test_kernefortaellingen_leaves_an_open_wave_out(dash_org, results, web):
    # Given the closed first wave's page, read before a second wave opens
    survey, _first = results
    client = web(dash_org.leader)
    before = client.get("/dashboard/kernefortaellingen/").content.decode()

    # When a second wave opens and everyone in Team Korsør answers it
    wave = open_wave(survey, number=2)
    invited = Invitation.objects.filter(wave=wave, unit=dash_org.team_a).select_related("user")
    respond(wave, [i.user for i in invited], value=1, correct=False)
    after = client.get("/dashboard/kernefortaellingen/").content.decode()

    # Then the knowledge index and the goals still have the first wave only
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", after) == strip.sub("", before)
    assert "Kun lukkede runder er med" in after
