"""The SMS link page in real headless Chromium: a person with no app reads a must-read on a
phone-sized screen and presses "Læst og forstået"; reach then shows them under SMS."""

import re
import shutil

import pytest

from content import announce
from content.models import ReadReceipt
from org.sms import LogSmsSender
from tests.content.factories import PostFactory
from tests.dashboard.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_person_without_the_app_reads_and_acknowledges_on_the_sms_link(
    org, api, live_server, tmp_path
):
    import playwright.sync_api as playwright_api

    # Given a must-read, and a reminder to a person with a phone and no device
    org.employee.phone = "+4512345678"
    org.employee.save(update_fields=["phone"])
    post = PostFactory(author=org.comms, requires_acknowledgement=True, title="Ny vagtplan")
    announce.remind_unacknowledged_readers(post_id=post.pk, user_ids=[org.employee.pk])
    url = re.search(r"(http://\S+)$", LogSmsSender.outbox[-1]["body"]).group(1)
    path = url.removeprefix("http://127.0.0.1:8000")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # When they open the link on a phone and press "Læst og forstået"
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 390, "height": 844},
            locale="da-DK",
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(live_server.url + path)
            heading = page.locator("h1").inner_text()
            page.screenshot(path=str(ARTIFACTS / "sms-link-post.png"), full_page=True)
            page.click("#acknowledge button")
            page.wait_for_selector("p.done")
            done = page.locator("p.done").inner_text()
            page.screenshot(path=str(ARTIFACTS / "sms-link-acknowledged.png"), full_page=True)
        finally:
            context.close()

    # Then the page showed the post, the acknowledgement is recorded, and reach counts it
    assert heading == "Ny vagtplan"
    assert done == "Tak. Du har bekræftet: Læst og forstået."
    receipt = ReadReceipt.objects.get(post=post, user=org.employee)
    assert receipt.acknowledged_at is not None
    body = api(org.comms).get(f"/api/v1/posts/{post.pk}/reach/").json()
    [team_a] = [row for row in body["per_unit"] if row["unit_id"] == org.team_a.pk]
    assert (team_a["notified_sms"], team_a["acknowledged"]) == (1, 1)
