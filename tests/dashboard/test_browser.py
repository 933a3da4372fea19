"""The dashboard in real headless Chromium: a leader logs in by code and reads every page.

Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by Playwright for Python;
Playwright never downloads a browser here. Screenshots of each page go to tests/artifacts/.
"""

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest
from django.core import mail

from tests import live

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# What a machine with no internet, running as root, needs: no sandbox, no first-run or sync calls.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long a step may wait for the page (not a speed check): the SSO tests go through a second
# server (the provider) and RSA signatures, which on a loaded 2-core CI took over 15 s once.
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


@contextmanager
def chromium_page(profile: Path):
    """A fresh Chromium (a new, empty user-data-dir) and one page in it.

    Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
    Django then keeps database connections apart from the thread's own. So every database
    read a test needs happens before the browser opens; inside, the test only drives pages.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="da-DK",
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
            live.idle()  # a request the page left in flight ends before the test reads on


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def _log_in(page, base_url: str, user, *, start: str = "/dashboard/omraade/") -> None:
    """The leader's own way in: open a page, ask for a code, type the code from the mail."""
    page.goto(base_url + start)
    assert page.url.startswith(base_url + "/dashboard/login/")
    _shoot(page, "login")
    page.fill("#id_email", user.email)
    page.click("#request-code button")
    page.wait_for_url(base_url + "/dashboard/login/kode/")
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    page.fill("#id_code", code)
    page.click("#confirm-code button")
    page.wait_for_url(base_url + start)


def _cell(page, selector: str) -> tuple[str, str | None]:
    element = page.locator(selector)
    return element.inner_text().strip(), element.get_attribute("data-value")


def test_a_leader_reads_every_page_with_the_api_numbers(
    dash_org, results, journeys, post, live_server, api, tmp_path
):
    # Given what the API answers the leader, for the same scope (read before the browser opens)
    survey, _wave = results
    leader_api = api(dash_org.leader)
    body = leader_api.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    entries = {u["unit"]["id"]: u for u in body["units"]}
    likert, scale, knowledge = (q["id"] for q in body["questions"])
    team_a, team_s = dash_org.team_a.pk, dash_org.team_s.pk
    team = {q["question"]: q for q in entries[team_a]["questions"]}
    indicators = leader_api.get("/api/v1/surveys/indicators/").json()
    organisation = leader_api.get("/api/v1/surveys/indicators/?scope=organisation").json()
    journeys_api = {
        j["id"]: j for j in leader_api.get("/api/v1/onboarding/journeys/").json()["results"]
    }
    reach = leader_api.get(f"/api/v1/posts/{post.pk}/reach/").json()
    base = live_server.url

    with chromium_page(tmp_path / "profile") as page:
        # When the leader logs in by code in the browser
        _log_in(page, base, dash_org.leader)

        # Then Mit område shows the API's numbers per unit, and the small team no number
        row = f'#area-table tr[data-unit="{team_a}"]'
        assert _cell(page, f'{row} td[data-measure="respondents"]') == ("6", "6")
        assert _cell(page, f'{row} td[data-measure="response_rate"]') == (
            "85,7 %",
            str(entries[team_a]["response_rate"]),
        )
        assert _cell(page, f'{row} td[data-measure="favourable_share"]') == (
            "66,7 %",
            str(team[likert]["favourable_share"]),
        )
        assert _cell(page, f'{row} td[data-measure="enps"]') == ("−33", str(team[scale]["enps"]))
        small = page.locator(f'#area-table tr[data-unit="{team_s}"]')
        assert entries[team_s]["shown"] is False
        assert small.inner_text().split("\t")[-1].strip() == "for få svar"
        assert not re.search(r"\d", small.inner_text())
        assert page.locator("#area-table tbody tr").count() == len(body["units"])
        _shoot(page, "mit-omraade")

        # And the heatmap colours the same numbers, the small team's column without any
        page.click("header.top >> text=Heatmap")
        page.wait_for_url(base + "/dashboard/heatmap/")
        cell = f'tr[data-question="{likert}"] td[data-unit="{team_a}"]'
        assert _cell(page, cell) == ("66,7 %", str(team[likert]["favourable_share"]))
        cell = f'tr[data-question="{knowledge}"] td[data-unit="{team_a}"]'
        assert _cell(page, cell) == ("100,0 %", str(team[knowledge]["share_correct"]))
        suppressed = page.locator(f'td[data-unit="{team_s}"]')
        assert suppressed.all_inner_texts() == ["for få svar"] * 3
        _shoot(page, "heatmap")

        # And Kernefortællingen draws the organisation's line and the afdeling's
        page.click("header.top >> text=Kernefortællingen")
        page.wait_for_url(base + "/dashboard/kernefortaellingen/")

        def beliggenhed(body):
            series = next(i for i in body["indicators"] if i["indicator"] == "kernefortaelling")
            return series["waves"][0]["pillars"]["beliggenhed"]

        values = page.locator('section[data-pillar="beliggenhed"] table td[data-value]')
        assert values.evaluate_all("cells => cells.map(c => c.dataset.value)") == [
            str(beliggenhed(organisation)),  # the organisation: 11 of 16 right
            str(beliggenhed(indicators)),
        ]
        assert beliggenhed(organisation) == 0.688
        # One wave so far: one dot on each of the two lines.
        assert page.locator('section[data-pillar="beliggenhed"] svg circle').count() == 2
        _shoot(page, "kernefortaellingen")

        # And onboarding lists the leader's new hires with the API's progress, overdue first
        page.click("header.top >> text=Onboarding")
        page.wait_for_url(base + "/dashboard/onboarding/")
        rows = page.locator("#journeys-table tbody tr")
        first, second = journeys[0].pk, journeys[1].pk
        assert rows.evaluate_all("rows => rows.map(r => Number(r.dataset.journey))") == [
            first,
            second,
        ]
        progress = page.locator(f'tr[data-journey="{first}"] td[data-measure="percent_done"]')
        assert progress.get_attribute("data-value") == str(journeys_api[first]["percent_done"])
        _shoot(page, "onboarding")

        # And Rækkevidde shows the must-read's reach and who has not acknowledged it
        page.click("header.top >> text=Rækkevidde")
        page.wait_for_url(base + "/dashboard/raekkevidde/")
        # the leader, Mette, and the 13 people of the afdeling who answered the survey
        assert reach["audience"] == 15
        assert _cell(page, '#reach .figures [data-measure="audience"]') == ("15", "15")
        assert page.locator("#not-acknowledged tbody td:first-child").all_inner_texts() == [
            p["name"] for p in reach["not_acknowledged"]
        ]
        # and, per unit, how many it reached by push, SMS and e-mail, and delivered: the API's
        for row in reach["per_unit"]:
            for measure in ("notified_push", "notified_sms", "notified_email", "delivered"):
                cell = f'#reach-table tr[data-unit="{row["unit_id"]}"] [data-measure="{measure}"]'
                assert _cell(page, cell) == (str(row[measure]), str(row[measure]))
        _shoot(page, "raekkevidde")


def test_changing_ids_in_the_url_does_not_open_another_scope(
    dash_org, results, live_server, tmp_path
):
    base, other_unit, own_team = live_server.url, dash_org.unit_b.pk, dash_org.team_a.pk
    with chromium_page(tmp_path / "profile") as page:
        # Given a leader logged in in the browser
        _log_in(page, base, dash_org.leader, start="/dashboard/heatmap/")

        # When it puts the other leader's unit in the URL
        response = page.goto(f"{base}/dashboard/heatmap/enhed/{other_unit}/")

        # Then the page does not exist, and nothing of the other unit is shown
        assert response.status == 404
        assert "Siden findes ikke." in page.inner_text("main")
        assert "Madservice" not in page.content()
        _shoot(page, "404")
        # While its own unit opens
        assert page.goto(f"{base}/dashboard/heatmap/enhed/{own_team}/").status == 200


def _cascade_numbers(page) -> dict:
    """Every data-measure on the cascade page, per level and per unit, as the browser has it."""
    return page.evaluate(
        """() => {
            const read = (sel, key) => Object.fromEntries([...document.querySelectorAll(sel)].map(
                tr => [tr.dataset[key], Object.fromEntries([...tr.querySelectorAll('[data-measure]')]
                    .map(td => [td.dataset.measure, td.dataset.value]))]));
            return {levels: read('#levels-table tbody tr', 'level'),
                    units: read('#units-table tbody tr', 'unit')};
        }"""
    )


def _api_numbers(body: dict) -> dict:
    """The API's progress in the page's shape (booleans and missing values as the page writes)."""
    measures = ("units", "received", "passed_on", "overdue", "told", "attendance")
    levels = {
        str(lv["number"]): {
            **{m: str(lv[m]) for m in (*measures, "read", "acknowledged")},
            "seconds": "" if lv["seconds"] is None else str(lv["seconds"]),
        }
        for lv in body["levels"]
    }
    units = {}
    for level in body["levels"]:
        for row in level["unit_rows"]:
            units[str(row["unit"])] = {
                "received": str(row["received_at"] is not None).lower(),
                "passed_on": str(row["passed_on_at"] is not None).lower(),
                "read": str(row["read"]),
                "acknowledged": str(row["acknowledged"]),
                "told": row["told_on"] or "",
                "overdue": str(row["overdue"]).lower(),
            }
            if row["attendance"] is not None:
                units[str(row["unit"])]["attendance"] = str(row["attendance"])
    return {"levels": levels, "units": units}


def test_communications_and_a_leader_follow_a_cascade_with_the_api_numbers(
    cascade_org, live_server, api, tmp_path
):
    from datetime import timedelta

    from django.utils import timezone

    from .cascades import broken_cascade

    # Given a cascade over four levels that broke at Madservice, and what the API answers
    # communications and the leader of Hjemmeplejen Vest (read before the browser opens)
    o = cascade_org
    cascade = broken_cascade(o, timezone.now() - timedelta(days=4))
    bodies = {
        who: api(getattr(o, who)).get(f"/api/v1/cascades/{cascade.pk}/progress/").json()
        for who in ("comms", "leader")
    }
    madservice, kokkenet = str(o.unit_b.pk), str(o.team_b.pk)
    base = live_server.url

    for who in ("comms", "leader"):
        with chromium_page(tmp_path / f"profile-{who}") as page:
            # When the person logs in and opens Kaskade from the navigation, then the cascade
            _log_in(page, base, getattr(o, who), start="/dashboard/raekkevidde/")
            page.click("header.top >> text=Kaskade")
            page.wait_for_url(base + "/dashboard/kaskader/")
            assert page.locator("#area-report").count() == (1 if who == "comms" else 0)
            _shoot(page, f"kaskader-{who}")
            page.click(f'#cascades-table tr[data-cascade="{cascade.pk}"] a')
            page.wait_for_url(f"{base}/dashboard/kaskader/{cascade.pk}/")

            # Then every number per level and unit is the API's, and only the person's units
            shown = _cascade_numbers(page)
            # (the median per unit is the page's own summary of those rows, tested apart)
            medians = [level.pop("median_seconds") for level in shown["levels"].values()]
            assert shown == _api_numbers(bodies[who])
            assert len(medians) == len(bodies[who]["levels"])
            if who == "comms":
                # and the chain is broken at Madservice, in words, with Køkkenet not reached
                broken = page.locator(f'#units-table tr[data-unit="{madservice}"]')
                assert broken.get_attribute("data-state") == "broken"
                assert "Kæden er brudt her" in broken.inner_text()
                below = page.locator(f'#units-table tr[data-unit="{kokkenet}"]')
                assert "Ikke nået: kæden er brudt ved Madservice" in below.inner_text()
            else:
                assert page.locator(f'#units-table tr[data-unit="{madservice}"]').count() == 0
            _shoot(page, f"kaskade-{who}")
