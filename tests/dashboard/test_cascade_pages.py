"""The "Kaskade" pages: who sees which cascade, the tree with the API's numbers, the broken
chain, the report per area, and the exports."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.html import strip_tags
from openpyxl import load_workbook

from .cascades import DAY, HOUR, broken_cascade, madservice_cascade
from .test_exports import _pdf_text

pytestmark = pytest.mark.django_db

# Friday 6 March 2026, 08:00 in Copenhagen: the moment the pages are looked at.
NOW = datetime(2026, 3, 6, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
START = NOW - 4 * DAY


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cascades(cascade_org, clock):
    """The broken four-level cascade, and two from Madservice that reached everyone:
    one told at a meeting after 1 day, one read by the last employee after 3 days."""
    o = cascade_org
    broken = broken_cascade(o, START)
    met = madservice_cascade(o, START - 10 * DAY, meeting=True, reached_after=DAY)
    read = madservice_cascade(o, START - 20 * DAY, meeting=False, reached_after=3 * DAY)
    return broken, met, read


def _rows(html: str, table: str) -> dict[str, str]:
    """The rows of a table by their first data attribute's value."""
    body = re.search(rf'<table id="{table}">(.*?)</table>', html, re.S).group(1)
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<tr data-[a-z]+="([^"]*)"[^>]*>.*?</tr>', body, re.S)
    }


def _values(row_html: str) -> dict[str, str]:
    return dict(re.findall(r'data-measure="([a-z_]+)" data-value="([^"]*)"', row_html))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html)).strip()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 403),
        ("hr", 403),
        ("leader", 200),
        ("other_leader", 200),
        ("comms", 200),
        ("admin", 200),
    ],
)
def test_the_pages_are_for_communications_and_leaders(cascades, web, cascade_org, who, status):
    # Given a person with one role
    client = web(getattr(cascade_org, who))
    # When they open the list and a cascade that reaches everyone's area
    pages = [
        client.get("/dashboard/kaskader/"),
        client.get(f"/dashboard/kaskader/{cascades[0].pk}/"),
    ]
    # Then both answer as the API would
    assert [p.status_code for p in pages] == [status, status]
    if who == "hr":
        assert "Kaskader kan ses af Kommunikation" in pages[0].content.decode()


def test_a_leader_of_another_area_gets_404_and_sees_only_cascades_reaching_them(
    cascades, web, cascade_org
):
    o, (broken, met, _read) = cascade_org, cascades
    # When the leader of Hjemmeplejen Vest opens Madservice's own cascade
    response = web(o.leader).get(f"/dashboard/kaskader/{met.pk}/")
    # Then it does not exist for them, and nothing of it is shown
    assert response.status_code == 404
    assert "Ny kantineordning" not in response.content.decode()
    # And their list holds only the cascade that reaches their afdeling, without the report
    listed = web(o.leader).get("/dashboard/kaskader/").content.decode()
    assert list(_rows(listed, "cascades-table")) == [str(broken.pk)]
    assert 'id="area-report"' not in listed
    # While Madservice's leader sees both of its own
    listed = web(o.other_leader).get("/dashboard/kaskader/").content.decode()
    assert len(_rows(listed, "cascades-table")) == 3


def test_the_cascade_page_has_the_apis_numbers_per_level_and_unit(cascades, web, api, cascade_org):
    o, broken = cascade_org, cascades[0]
    for viewer in (o.comms, o.leader):
        # Given the API's progress for the viewer
        body = api(viewer).get(f"/api/v1/cascades/{broken.pk}/progress/").json()
        # When the viewer opens the cascade page
        html = web(viewer).get(f"/dashboard/kaskader/{broken.pk}/").content.decode()
        # Then every level and every unit shows the API's numbers, and no other unit
        levels, units = _rows(html, "levels-table"), _rows(html, "units-table")
        for level in body["levels"]:
            shown = _values(levels[str(level["number"])])
            for measure in ("units", "received", "passed_on", "overdue", "told", "attendance"):
                assert shown[measure] == str(level[measure]), (measure, level)
            assert shown["read"] == str(level["read"])
            assert shown["acknowledged"] == str(level["acknowledged"])
            assert shown["seconds"] == ("" if level["seconds"] is None else str(level["seconds"]))
        api_units = {str(r["unit"]): r for lv in body["levels"] for r in lv["unit_rows"]}
        assert set(units) == set(api_units)
        for unit_id, row in api_units.items():
            shown = _values(units[unit_id])
            assert shown["received"] == str(row["received_at"] is not None).lower()
            assert shown["passed_on"] == str(row["passed_on_at"] is not None).lower()
            assert shown["overdue"] == str(row["overdue"]).lower()
            assert (shown["read"], shown["acknowledged"]) == (
                str(row["read"]),
                str(row["acknowledged"]),
            )
            assert shown["told"] == (row["told_on"] or "")


def test_the_chain_breaks_at_madservice_and_everything_below_is_not_reached(
    cascades, web, cascade_org
):
    o, broken = cascade_org, cascades[0]
    html = web(o.comms).get(f"/dashboard/kaskader/{broken.pk}/").content.decode()
    units = _rows(html, "units-table")
    state = {
        unit.name: re.search(r'data-state="([a-z_]+)"', units[str(unit.pk)]).group(1)
        for unit in (o.root, o.area, o.unit_a, o.team_a, o.team_s, o.unit_b, o.team_b)
    }
    assert state == {
        "Direktionen": "passed_on",
        "Social og Sundhed": "passed_on",
        "Hjemmeplejen Vest": "passed_on",
        "Team Korsør": "passed_on",
        "Team Slagelse": "received",
        "Madservice": "broken",
        "Køkkenet": "not_reached",
    }
    # Said in words, not only in colour
    assert "Kæden er brudt her: fristen er overskredet" in _text(units[str(o.unit_b.pk)])
    assert "Ikke nået: kæden er brudt ved Madservice" in _text(units[str(o.team_b.pk)])
    assert "ingen leder" in _text(units[str(o.team_s.pk)])
    assert "Kæden er brudt ved 1 enhed" in _text(html)
    # The meeting with its date and attendance, and the must-read's readers
    korsor = _text(units[str(o.team_a.pk)])
    assert "04.03.2026, 9 deltagere" in korsor
    assert _values(units[str(o.team_a.pk)])["read"] == "1"
    # Per level: the level's time (first received → last passed on) and the median per unit
    levels = _rows(html, "levels-table")
    assert _values(levels["0"])["seconds"] == str(int(HOUR.total_seconds()))
    assert _values(levels["1"])["median_seconds"] == str(int(4 * HOUR.total_seconds()))
    # Afdelinger: Hjemmeplejen Vest took 1 d 2 t - 5 h = 21 h; Madservice has not passed it on
    afdeling = _values(levels["2"])
    assert (afdeling["seconds"], afdeling["median_seconds"]) == ("", str(21 * 3600))
    assert "21 t 0 min" in _text(levels["2"])


def test_a_leader_sees_only_their_own_subtree(cascades, web, cascade_org):
    o, broken = cascade_org, cascades[0]
    html = web(o.other_leader).get(f"/dashboard/kaskader/{broken.pk}/").content.decode()
    assert set(_rows(html, "units-table")) == {str(o.unit_b.pk), str(o.team_b.pk)}
    assert "Hjemmeplejen Vest" not in html and "Team Korsør" not in html


def test_the_report_is_the_median_from_start_to_the_last_employee_per_area(
    cascades, web, api, cascade_org
):
    o = cascade_org
    # When communications opens the list
    html = web(o.comms).get("/dashboard/kaskader/").content.decode()
    # Then Social og Sundhed has three cascades, two reached everyone (after 1 and 3 days):
    # the median is 2 days; the broken one is not counted until it has reached everyone
    area = _values(_rows(html, "report-table")[str(o.area.pk)])
    assert area == {"cascades": "3", "completed": "2", "median_seconds": str(2 * 86400)}
    assert "2 d 0 t" in _text(_rows(html, "report-table")[str(o.area.pk)])
    # And the API answers communications the same figures, and refuses a leader
    body = api(o.comms).get("/api/v1/cascades/report/").json()
    assert body == {
        "areas": [
            {
                "unit": o.area.pk,
                "unit_name": "Social og Sundhed",
                "cascades": 3,
                "completed": 2,
                "median_seconds": 2 * 86400,
            }
        ]
    }
    assert api(o.leader).get("/api/v1/cascades/report/").status_code == 403
    # And the list counts each cascade's units, passed on and overdue
    listed = {k: _values(v) for k, v in _rows(html, "cascades-table").items()}
    assert listed[str(cascades[0].pk)] == {"units": "7", "passed_on": "4", "overdue": "1"}


def test_the_cascade_page_and_the_report_print_and_export(cascades, web, cascade_org):
    o, broken = cascade_org, cascades[0]
    client = web(o.comms)
    # The cascade page as PDF: the tree with its broken unit, no navigation
    response = client.get(f"/dashboard/kaskader/{broken.pk}/?format=pdf")
    assert response["Content-Disposition"] == f'attachment; filename="kaskade-{broken.pk}.pdf"'
    text = _pdf_text(response)
    assert "Madservice" in text and "Kæden er brudt her" in text
    assert "Log ud" not in text
    # As XLSX: a row per unit, in tree order, with the same counts
    response = client.get(f"/dashboard/kaskader/{broken.pk}/?format=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="kaskade-{broken.pk}.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Niveau", "Enhed")
    by_unit = {r[1]: r for r in rows[1:]}
    assert [r[1] for r in rows[1:]] == [
        "Direktionen",
        "Social og Sundhed",
        "Hjemmeplejen Vest",
        "Team Korsør",
        "Team Slagelse",
        "Madservice",
        "Køkkenet",
    ]
    assert by_unit["Team Korsør"][5:9] == (1, 1, datetime(2026, 3, 4, 0, 0), 9)
    assert by_unit["Madservice"][-2:] == ("ja", "Kæden er brudt her: fristen er overskredet")
    # The list's report as PDF and XLSX
    text = _pdf_text(client.get("/dashboard/kaskader/?format=pdf"))
    assert "Social og Sundhed 3 2 2 d 0 t" in text
    response = client.get("/dashboard/kaskader/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [
        ("Område", "Kaskader", "Nået helt ud", "Median, timer"),
        ("Social og Sundhed", 3, 2, 48),
    ]


def test_a_leader_has_no_report_to_export_and_an_unknown_format_is_not_a_page(
    cascades, web, cascade_org
):
    client = web(cascade_org.leader)
    assert client.get("/dashboard/kaskader/?format=xlsx").status_code == 404
    assert client.get(f"/dashboard/kaskader/{cascades[0].pk}/?format=docx").status_code == 404
