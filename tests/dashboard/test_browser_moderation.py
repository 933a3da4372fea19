"""Communications hides a reported comment on the moderation page in real headless Chromium."""

import shutil

import pytest

from dialogue import services
from dialogue.models import Comment
from tests.content.factories import PostFactory

from .test_browser import CHROMIUM, _log_in, _shoot, chromium_page

pytestmark = [
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is missing"),
    pytest.mark.django_db(transaction=True),
]


def test_communications_hides_a_reported_comment(org, live_server, tmp_path):
    # Given a reported comment, with a script in it, and a harmless one reported too
    news = PostFactory(author=org.comms, title="Ny kantine")
    rude = services.comment_create(
        author=org.employee, post=news, text="Idioter! <script>document.title='x'</script>"
    )
    services.comment_report(reporter=org.other_employee, comment=rude, reason="Groft sprog")
    services.comment_report(reporter=org.leader, comment=rude, reason="Personangreb")
    mild = services.comment_create(author=org.other_employee, post=news, text="Maden er kold")
    services.comment_report(reporter=org.employee, comment=mild, reason="Usandt")
    base, start = live_server.url, "/dashboard/moderering/"

    with chromium_page(tmp_path / "profile") as page:
        # When communications logs in and opens the moderation page
        _log_in(page, base, org.comms, start=start)
        # Then both are queued, the twice-reported first, with its reports, the script as text
        cards = page.locator("#queue article")
        assert cards.evaluate_all("cs => cs.map(c => Number(c.dataset.comment))") == [
            rude.pk,
            mild.pk,
        ]
        card = page.locator(f'#queue article[data-comment="{rude.pk}"]')
        assert card.locator(".reports .reason").all_inner_texts() == [
            "Groft sprog",
            "Personangreb",
        ]
        assert "<script>" in card.locator(".comment-text").inner_text()
        assert page.title() != "x"
        _shoot(page, "moderering")
        # When it writes a reason and presses Skjul
        card.locator('input[name="reason"]').fill("Personangreb på kolleger")
        card.locator('button[value="hide"]').click()
        page.wait_for_url(base + start)
        # Then it is out of the queue, in the hidden list, and the page says so
        assert "Kommentaren er skjult." in page.inner_text(".messages")
        assert page.locator("#queue article").count() == 1
        assert page.locator(f'#hidden tr[data-comment="{rude.pk}"]').count() == 1
        _shoot(page, "moderering-skjult")

    # And the comment is hidden by communications, with the reason, its reports handled
    rude = Comment.objects.get(pk=rude.pk)
    assert (rude.hidden_by_id, rude.hidden_reason, rude.open_reports) == (
        org.comms.pk,
        "Personangreb på kolleger",
        0,
    )
    assert Comment.objects.get(pk=mild.pk).hidden_at is None
