"""HR runs onboarding in the admin, in real headless Chromium: code login, assign, the journey.

Debian's Chromium driven by Playwright (as tests/dashboard/test_browser.py). Screenshots go to
tests/artifacts/admin-*.png.
"""

import re
import shutil

import pytest
from django.core import mail

from tests.dashboard.test_browser import ARTIFACTS, CHROMIUM, chromium_page

pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)


def test_hr_logs_in_by_code_assigns_a_track_and_sees_the_journey(
    org, hire, track, live_server, tmp_path
):
    # Given (read before the browser opens) HR, a new hire and a track
    base, hr_email = live_server.url, org.hr.email
    hire_id, hire_name, track_id, track_name = hire.pk, hire.name, track.pk, track.name

    with chromium_page(tmp_path / "profile") as page:
        # When HR opens the admin and logs in with the code from the mail
        page.goto(base + "/admin/")
        assert page.url.startswith(base + "/admin/login/")
        assert page.title().endswith("Bro – administration")
        _shoot(page, "login")
        page.fill("#id_code_email", hr_email)
        page.click("#code-login input[type=submit]")
        page.wait_for_url(base + "/admin/login/kode/bekraeft/")
        code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M)
        page.fill("#id_code", code.group(1))
        page.click("#code-confirm input[type=submit]")
        page.wait_for_url(base + "/admin/")
        assert page.locator("#site-name").inner_text() == "Bro – administration"
        _shoot(page, "index")

        # And picks the new hire in the people list and runs "Tildel et onboardingforløb"
        page.goto(base + "/admin/org/user/")
        page.check(f'input[name="_selected_action"][value="{hire_id}"]')
        page.select_option('select[name="action"]', "assign_track")
        page.click('button[name="index"]')
        page.wait_for_url(f"{base}/admin/onboarding/track/tildel/?people={hire_id}")
        chosen = page.locator("#id_people_to option").all_inner_texts()
        assert chosen == [hire_name]
        page.select_option("#id_track", str(track_id))
        _shoot(page, "assign")
        page.click("#hr-form input[type=submit]")

        # Then HR lands on the hire's journey: its steps, its progress, and what HR can do
        page.wait_for_url(re.compile(re.escape(base) + r"/admin/onboarding/journey/\d+/change/"))
        body = page.inner_text("#content")
        assert f"{track_name} er tildelt 1 person." in page.inner_text("ul.messagelist")
        assert hire_name in body and "0 af 3 trin gennemført" in body
        steps = page.locator(".inline-related tbody tr td.field-title").all_inner_texts()
        assert sorted(s.strip() for s in steps) == [
            "Mød din leder",
            "Opret i vagtplan",
            "Velkommen",
        ]
        assert page.locator("a.button", has_text="Flyt startdato").count() == 1
        _shoot(page, "journey")
