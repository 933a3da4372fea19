"""Communications reads the follow-up page in real headless Chromium (see test_browser)."""

import shutil

import pytest

from tests.followup.factories import closed_wave_with_followups

from .test_browser import CHROMIUM, _cell, _log_in, _shoot, chromium_page

pytestmark = [
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is missing"),
    pytest.mark.django_db(transaction=True),
]


def test_communications_reads_the_follow_up_rate_per_area_with_the_api_numbers(
    dash_org, live_server, api, tmp_path
):
    # Given a wave where one of unit A's two leaders shared an action, and what the API says
    _survey, wave = closed_wave_with_followups(dash_org)
    overview = api(dash_org.comms).get("/api/v1/followup/overview/").json()
    [area] = overview["areas"]
    base = live_server.url

    with chromium_page(tmp_path / "profile") as page:
        # When communications logs in by code and opens Opfølgning from the menu
        _log_in(page, base, dash_org.comms, start="/dashboard/raekkevidde/")
        page.click("header.top >> text=Opfølgning")
        page.wait_for_url(base + "/dashboard/opfoelgning/")

        # Then the area's row shows the API's numbers
        row = f'#followup-table tr[data-area="{dash_org.area.pk}"]'
        assert _cell(page, f'{row} [data-measure="leaders"]') == ("2", str(area["leaders"]))
        assert _cell(page, f'{row} [data-measure="followed_up"]') == (
            "1",
            str(area["followed_up"]),
        )
        assert _cell(page, f'{row} [data-measure="rate"]') == ("50,0 %", str(area["rate"]))
        assert page.locator("#followup").get_attribute("data-wave") == str(wave.pk)
        assert page.locator("#followup-table tbody tr").count() == 1
        _shoot(page, "opfoelgning")
