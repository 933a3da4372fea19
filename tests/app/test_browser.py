"""The staff app end to end, on a phone-sized screen, against the demo data.

Each test logs a real person in by code (the mail in Django's outbox), walks the screens a
frontline employee or a new hire would, runs axe-core on every screen (0 violations) and leaves
a screenshot of each under tests/artifacts/app-*.png. Playwright's sync API runs an event loop
in this thread while the browser is open, so every database read happens before it opens or
after it closes (see tests/dashboard/test_browser.py).
"""

import json
import re
from contextlib import contextmanager
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from bench.auth import session_tokens
from content import announce
from content.demo import MUST_READ_TITLE
from content.models import Post, ReadReceipt, Rsvp
from dialogue import selectors as dialogue_selectors
from dialogue.models import Comment, Question, Reaction
from onboarding.models import JourneyStep
from org.models import Role, User
from org.selectors import audience_members
from org.sms import LogSmsSender
from push import alerts, links
from push.models import AlertRecipient, Device, Notification
from surveys import services as survey_services
from surveys.models import Participation, Survey

from .conftest import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "app" / "node_modules" / "axe-core" / "axe.min.js"
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
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 20_000
NEW_HIRE = "sara.nyborg@privat.demo.bro.dk"

pytestmark = pytest.mark.skipif(
    not AXE.is_file(), reason="app/node_modules is missing: cd app && npm ci (.ci/run does)"
)


@pytest.fixture
def _strategy():
    """Not the suite's own: these tests read the demo snapshot, whose strategy seed_demo stored.

    (The suite's fixture writes to the in-memory test database before the live server takes
    its copy of the snapshot; after a session-wide live server of another module on the same
    worker that database can be without its tables, which failed every test here in setup.)
    """


@contextmanager
def phone(tmp_path):
    """A fresh Chromium with a phone-sized page; console errors (CSP included) are collected."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="da-DK"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and page.errors.append(message.text)
            ),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()


def check(page, name: str) -> None:
    """Screenshot the screen and run axe-core on it: WCAG 2.1 A/AA and best practice, 0 found."""
    page.wait_for_selector("#screen-title")
    page.screenshot(path=str(ARTIFACTS / f"app-{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, so the page's CSP (no inline script) holds.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    assert result == [], f"axe on {name}: {json.dumps(result, ensure_ascii=False, indent=1)}"
    assert page.errors == [], page.errors


def log_in(page, base: str, email: str, *, shots: bool = False) -> None:
    page.goto(base + "/app/")
    page.wait_for_selector("#address")
    if shots:
        check(page, "login")
    sent = len(mail.outbox)
    page.fill("#address", email)
    page.click("button[type=submit]")
    page.wait_for_selector("#code")
    if shots:
        check(page, "login-code")
    assert len(mail.outbox) == sent + 1
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_selector("nav.tabs, .alert-screen")


def must_read_reader() -> tuple[User, Post]:
    """An employee with e-mail who has not yet acknowledged the demo's must-read, and that post."""
    post = Post.objects.get(title=MUST_READ_TITLE)
    done = ReadReceipt.objects.filter(post=post, acknowledged_at__isnull=False).values("user")
    person = (
        audience_members(audience=post.audience)
        .filter(is_active=True, email__isnull=False, roles__role=Role.EMPLOYEE)
        .exclude(pk__in=done)
        .filter(unit__in=Post.objects.filter(kind="minutes").values("unit"))
        .exclude(roles__role__in=[Role.LEADER, Role.HR, Role.COMMUNICATIONS, Role.ADMIN])
        .order_by("pk")
        .first()
    )
    return person, post


def acknowledged(user: User, post_id: int) -> bool:
    return ReadReceipt.objects.filter(
        user=user, post_id=post_id, acknowledged_at__isnull=False
    ).exists()


def answer_open_alerts(user: User) -> None:
    """The demo's drill alert would take over the screen; these tests are about other things."""
    for recipient in AlertRecipient.objects.filter(user=user, answer=""):
        alerts.alert_answer(user=user, alert_id=recipient.alert_id, answer="ok")


def test_a_new_hire_before_day_one_walks_the_journey_and_passes_the_quiz(demo, tmp_path):
    # Given Sara, who starts in 14 days, with a journey whose quiz needs a read step first
    hire = User.objects.get(email=NEW_HIRE)
    answer_open_alerts(hire)
    read = JourneyStep.objects.get(journey__user=hire, title="Læs om Kernefortællingen")
    quiz = JourneyStep.objects.get(journey__user=hire, kind="quiz")
    correct = {option["text"] for q in quiz.quiz for option in q["options"] if option["correct"]}

    with phone(tmp_path) as page:
        # When she logs in, the app shows only her journey (no feed before day one)
        log_in(page, demo.url, NEW_HIRE, shots=True)
        page.wait_for_selector(".notice")
        assert page.locator("nav.tabs a").all_inner_texts() == ["Mit forløb", "Indbakke", "Profil"]
        check(page, "journey-preboarding")

        # And she reads and completes the read step
        page.click(f'[data-step="{read.pk}"] a')
        page.wait_for_selector("#complete-step")
        check(page, "step")
        page.click("#complete-step")
        page.wait_for_selector("text=✓ Gennemført")

        # And takes the quiz with the right answers
        page.goto(f"{demo.url}/app/#/step/{quiz.pk}")
        page.wait_for_selector("fieldset.question")
        check(page, "quiz")
        for text in sorted(correct):
            page.get_by_label(text, exact=True).check()
        page.click("#complete-step")
        result = page.wait_for_selector("#quiz-result").inner_text()
        check(page, "quiz-passed")

    # Then both steps are done and the quiz passed
    assert result.startswith("Bestået")
    read.refresh_from_db()
    quiz.refresh_from_db()
    assert (read.status, quiz.status) == ("done", "done")


def test_an_employee_reads_and_acknowledges_a_must_read_and_sees_every_screen(demo, api, tmp_path):
    # Given Pia and the must-read in her feed
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    feed = api(pia).get("/api/v1/feed/?page_size=100").json()["results"]
    must_read = next(item for item in feed if item["must_read"])
    minutes = next(item for item in feed if item["kind"] == "minutes")

    with phone(tmp_path) as page:
        # When she logs in, the feed marks the must-read
        log_in(page, demo.url, pia.email)
        badge = page.wait_for_selector(f'[data-post="{must_read["id"]}"] .badge.must')
        assert badge.inner_text() == "Skal læses"
        check(page, "feed")

        # And she opens it and acknowledges it
        page.click(f'[data-post="{must_read["id"]}"] a')
        page.wait_for_selector("#acknowledge")
        check(page, "post-must-read")
        page.click("#acknowledge")
        status = page.wait_for_selector("#ack-status").inner_text()
        check(page, "post-acknowledged")

        # And the other screens: minutes with decisions, info pages, inbox, profile
        page.goto(f"{demo.url}/app/#/post/{minutes['id']}")
        page.wait_for_selector("#decisions")
        check(page, "minutes")
        page.goto(f"{demo.url}/app/#/feed?kind=page")
        page.wait_for_selector(".card")
        check(page, "info-pages")
        page.goto(f"{demo.url}/app/#/inbox")
        page.wait_for_selector(".card")
        check(page, "inbox")
        page.goto(f"{demo.url}/app/#/profile")
        page.wait_for_selector("text=Stille timer (ingen notifikationer)")
        check(page, "profile")
        # And switches to English
        page.click("button[lang=en]")
        page.wait_for_selector("h1:text('Profile')")
        check(page, "profile-english")

    # Then the acknowledgement is stored, and her language is English
    assert status.startswith("✓ Du har kvitteret: læst og forstået")
    assert acknowledged(pia, must_read["id"])
    pia.refresh_from_db()
    assert pia.language == "en"


def test_an_employee_answers_an_event(demo, api, tmp_path):
    # Given an upcoming event in Pia's feed that she has not answered
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    answered = set(Rsvp.objects.filter(user=pia).values_list("post_id", flat=True))
    feed = api(pia).get("/api/v1/feed/?kind=event&page_size=100").json()["results"]
    event = next(item for item in feed if item["id"] not in answered)

    with phone(tmp_path) as page:
        log_in(page, demo.url, pia.email)
        page.goto(f"{demo.url}/app/#/feed?kind=event")
        page.wait_for_selector(f'[data-post="{event["id"]}"]')
        check(page, "events")
        # When she opens it and answers yes
        page.click(f'[data-post="{event["id"]}"] a')
        page.wait_for_selector("[data-rsvp=yes]")
        check(page, "event")
        page.click("[data-rsvp=yes]")
        page.wait_for_selector("#rsvp-status:text('Dit svar er gemt')")
        page.wait_for_selector("[data-rsvp=yes][aria-pressed=true]")
        check(page, "event-answered")

    # Then her answer is stored
    assert list(Rsvp.objects.filter(user=pia, post_id=event["id"]).values_list("answer")) == [
        ("yes",)
    ]


def test_an_employee_reacts_comments_and_replies_under_a_news_post(demo, api, tmp_path):
    # Given Pia and a news post in her feed that is open for comments
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    feed = api(pia).get("/api/v1/feed/?kind=news&page_size=100").json()["results"]
    news = next(
        item
        for item in feed
        if api(pia).get(f"/api/v1/posts/{item['id']}/comments/").json()["comments_open"]
    )
    before = Comment.objects.filter(post_id=news["id"]).count()
    last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with phone(tmp_path) as page:
        log_in(page, demo.url, pia.email)
        page.goto(f"{demo.url}/app/#/post/{news['id']}")
        page.wait_for_selector("#comment-text")
        check(page, "post-comments")
        # When she reacts with a heart
        page.click("[data-reaction=heart]")
        page.wait_for_selector("[data-reaction=heart][aria-pressed=true]")
        # And writes a comment with a link and a script tag
        page.fill("#comment-text", "Godt nyt! Se https://slagelse.dk <script>alert(1)</script>")
        page.click("#comment-send")
        page.wait_for_selector("#comment-status:text('Din kommentar er sendt')")
        mine = page.wait_for_selector(".comment:has-text('Godt nyt!')")
        link = mine.query_selector(".comment-text a")
        href = link.get_attribute("href") if link else None
        # And replies to her own comment
        page.click(f"[data-reply='{mine.get_attribute('data-comment')}']")
        page.fill("#comment-text", "Og tak til køkkenet")
        page.click("#comment-send")
        page.wait_for_selector(".replies .comment:has-text('Og tak til køkkenet')")
        check(page, "post-commented")
        assert page.errors == []

    # Then the reaction, the comment and the reply are stored, the script inert
    assert list(Reaction.objects.filter(user=pia, post_id=news["id"]).values_list("kind")) == [
        ("heart",)
    ]
    comments = Comment.objects.filter(post_id=news["id"], author=pia, pk__gt=last).order_by("pk")
    assert Comment.objects.filter(post_id=news["id"]).count() == before + 2
    assert [c.parent_id for c in comments] == [None, comments[0].pk]
    assert href == "https://slagelse.dk"


def test_an_employee_answers_an_open_survey_and_it_leaves_the_list(demo, tmp_path):
    # Given a new wave of the pulse survey, opened as beat would open it
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    survey = Survey.objects.get(title="Puls på Kernefortællingen")
    with transaction.atomic():
        wave = survey_services.wave_open(
            survey=survey, number=survey.waves.count() + 1, opens_at=timezone.now()
        )
    kinds = sorted({q.kind for q in survey.questions.all()})

    with phone(tmp_path) as page:
        log_in(page, demo.url, pia.email)
        page.goto(f"{demo.url}/app/#/surveys")
        page.wait_for_selector(f'[data-wave="{wave.pk}"]')
        check(page, "surveys")
        # When she answers every question, whatever its kind
        page.click(f'[data-wave="{wave.pk}"] a')
        page.wait_for_selector("#survey-form")
        check(page, "survey-form")
        for fieldset in page.locator("fieldset.question").all():
            kind = fieldset.get_attribute("data-kind")
            if kind in {"likert", "scale"}:
                fieldset.locator(".scale-value").last.click()
            elif kind == "single":
                fieldset.locator("input[type=radio]").first.check()
            elif kind in {"multiple", "knowledge"}:
                fieldset.locator("input[type=checkbox]").first.check()
            else:
                fieldset.locator("textarea").fill("Mere tid til kollegerne.")
        page.click("#submit-survey")
        page.wait_for_selector("h1:text('Tak for dine svar!')")
        check(page, "survey-thanks")
        feedback = page.locator("section.feedback").count()
        # Then the survey is gone from her list
        page.click("a.button[href='#/surveys']")
        page.wait_for_selector("text=Der er ingen åbne spørgsmål lige nu.")
        check(page, "surveys-empty")

    assert Participation.objects.filter(wave=wave).count() == 1
    assert feedback == sum(1 for q in survey.questions.all() if q.kind == "knowledge")
    assert kinds  # the template has questions


def test_an_employee_answers_a_crisis_alert(demo, tmp_path):
    # Given a crisis alert to Pia's unit
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    sender = User.objects.filter(roles__role=Role.COMMUNICATIONS).first()
    alert = alerts.alert_send(
        sender=sender, title="Strømsvigt på plejecentret", body="Svar, om du er OK.",
        units=[pia.unit],
    )  # fmt: skip

    with phone(tmp_path) as page:
        # When she opens the app, the alert takes over the screen
        log_in(page, demo.url, pia.email)
        page.wait_for_selector("h1:text('Strømsvigt på plejecentret')")
        check(page, "alert")
        # And she answers that she needs help
        page.click("#alert-help")
        page.wait_for_selector("#alert-status")
        check(page, "alert-answered")
        page.click(".alert-screen button")
        page.wait_for_selector("nav.tabs")

    # Then her answer is stored
    recipient = AlertRecipient.objects.get(alert=alert, user=pia)
    assert recipient.answer == "need_help"


def test_offline_a_must_read_opens_from_the_cache_and_its_acknowledgement_is_sent_later(
    demo, api, tmp_path
):
    # Given Pia's must-read
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    feed = api(pia).get("/api/v1/feed/?page_size=100").json()["results"]
    must_read = next(item for item in feed if item["must_read"])

    with phone(tmp_path) as page:
        # When she opens the feed and the must-read while online (the service worker keeps them)
        log_in(page, demo.url, pia.email)
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_selector(f'[data-post="{must_read["id"]}"]')
        page.click(f'[data-post="{must_read["id"]}"] a')
        page.wait_for_selector("#acknowledge")
        page.goto(f"{demo.url}/app/#/feed")
        page.wait_for_selector(f'[data-post="{must_read["id"]}"]')

        # And goes offline, restarts the app and reopens the must-read
        page.context.set_offline(True)
        page.reload()
        page.wait_for_selector(".offline-bar")
        page.wait_for_selector(f'[data-post="{must_read["id"]}"]')
        check(page, "offline-feed")
        page.click(f'[data-post="{must_read["id"]}"] a')
        page.wait_for_selector("#acknowledge")
        # And acknowledges it: it is queued
        page.click("#acknowledge")
        queued = page.wait_for_selector("#ack-status").inner_text()
        check(page, "offline-acknowledge-queued")
        stored_offline = page.evaluate("localStorage.getItem('bro.queue.v1')")

        # And comes back online: the queue is sent and the result shown
        page.context.set_offline(False)
        toast = page.wait_for_selector(".toast").inner_text()
        check(page, "offline-replayed")
        page.wait_for_function("localStorage.getItem('bro.queue.v1') === '[]'")

    assert queued == "Gemt. Sendes, når du er online igen."
    assert json.loads(stored_offline)[0]["postId"] == must_read["id"]
    assert toast.startswith(f"Sendt, da du kom online: Læst og forstået – {must_read['title']}")
    # Then the acknowledgement is stored
    assert Post.objects.get(pk=must_read["id"]).requires_acknowledgement
    assert acknowledged(pia, must_read["id"])


def test_a_must_read_opens_in_the_app_from_an_sms_link_without_a_login(demo, tmp_path):
    # Given Pia, with a phone and no device, and the must-read's SMS reminder to her
    pia, post = must_read_reader()
    answer_open_alerts(pia)
    Device.objects.filter(user=pia).delete()
    User.objects.filter(pk=pia.pk).update(phone="+4529999901")
    LogSmsSender.outbox.clear()
    announce.remind_unacknowledged_readers(post_id=post.pk, user_ids=[pia.pk])
    [sms] = [sms for sms in LogSmsSender.outbox if sms["to"] == "+4529999901"]
    path = re.search(r"(http://\S+)$", sms["body"]).group(1).removeprefix("http://127.0.0.1:8000")

    with phone(tmp_path) as page:
        # When she opens the link as the SMS carries it, on a phone where she never logged in
        page.goto(f"{demo.url}{path}")
        # Then the app shows that post, and she acknowledges it
        page.wait_for_selector("#acknowledge")
        assert page.url == f"{demo.url}/app/#/post/{post.pk}"
        assert page.locator(".link-bar").count() == 1 and page.locator("nav.tabs").count() == 0
        check(page, "link-post")
        page.click("#acknowledge")
        status = page.wait_for_selector("#ack-status").inner_text()
        check(page, "link-post-acknowledged")
        # And the phone holds no login
        assert page.evaluate("() => localStorage.getItem('bro.session')") is None

    # And the acknowledgement is stored as hers, and reach counts her under SMS
    assert status.startswith("✓ Du har kvitteret: læst og forstået")
    assert acknowledged(pia, post.pk)
    comms = User.objects.filter(roles__role=Role.COMMUNICATIONS, is_active=True).order_by("pk")[0]
    client = APIClient()
    client.force_authenticate(comms)
    reach = client.get(f"/api/v1/posts/{post.pk}/reach/").json()
    [unit] = [row for row in reach["per_unit"] if row["unit_id"] == pia.unit_id]
    assert unit["notified_sms"] >= 1 and unit["acknowledged"] >= 1


def test_a_survey_wave_is_answered_in_the_app_from_an_e_mail_link_without_a_login(demo, tmp_path):
    # Given a new wave of the pulse survey and Pia's own link to it
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    survey = Survey.objects.get(title="Puls på Kernefortællingen")
    with transaction.atomic():
        wave = survey_services.wave_open(
            survey=survey, number=survey.waves.count() + 1, opens_at=timezone.now()
        )
    token = links.link_token(kind="wave", object_id=wave.pk, user_id=pia.pk)

    with phone(tmp_path) as page:
        # When she opens the link as the e-mail carries it (/l/<token>/ sends her to the app)
        page.goto(f"{demo.url}/l/{token}/")
        page.wait_for_selector("#survey-form")
        assert page.url == f"{demo.url}/app/#/survey/{wave.pk}"
        check(page, "link-survey")
        # And answers every question
        for fieldset in page.locator("fieldset.question").all():
            kind = fieldset.get_attribute("data-kind")
            if kind in {"likert", "scale"}:
                fieldset.locator(".scale-value").last.click()
            elif kind == "single":
                fieldset.locator("input[type=radio]").first.check()
            elif kind in {"multiple", "knowledge"}:
                fieldset.locator("input[type=checkbox]").first.check()
            else:
                fieldset.locator("textarea").fill("Mere tid til kollegerne.")
        page.click("#submit-survey")
        page.wait_for_selector("h1:text('Tak for dine svar!')")
        check(page, "link-survey-thanks")
        assert page.evaluate("() => localStorage.getItem('bro.session')") is None

    # Then her answer is counted once
    assert Participation.objects.filter(wave=wave, user=pia).count() == 1


def test_an_employee_asks_her_leader_in_the_app_and_reads_the_answer_by_role(demo, tmp_path):
    # Given Pia, whose unit has leaders in Bro, and a session for one of them
    pia, _post = must_read_reader()
    answer_open_alerts(pia)
    unsent = Question(asker=pia, unit_id=pia.unit_id, recipient="leader")
    leader = dialogue_selectors.question_recipient_people(question=unsent).order_by("pk").first()
    assert leader is not None
    leader_token = session_tokens([leader])[leader.pk]
    text = "Kan jeg bytte vagt med en kollega i uge 7?"

    with phone(tmp_path) as page:
        # When she opens "Spørg" from the inbox and asks her leader
        log_in(page, demo.url, pia.email)
        page.goto(f"{demo.url}/app/#/inbox")
        page.click("#open-ask")
        page.wait_for_selector("#ask-text")
        check(page, "ask")
        choices = page.locator("input[name=recipient]")
        assert [choices.nth(i).get_attribute("value") for i in range(choices.count())] == [
            "hr",
            "leader",
            "communications",
        ]
        page.get_by_label("Min leder", exact=True).check()
        page.fill("#ask-text", text)
        page.click("#ask-send")
        page.wait_for_selector("#ask-status:text('Dit spørgsmål er sendt')")
        # Then it is under "Mine spørgsmål", waiting for an answer
        mine = page.wait_for_selector(f"#my-questions li:has-text('{text}')")
        assert mine.get_attribute("data-status") == "new"
        assert "Venter på svar" in mine.inner_text()
        assert "Til Min leder" in mine.inner_text()
        question_id = int(mine.get_attribute("data-question"))
        check(page, "ask-sent")

        # When her leader answers through the API
        answered = page.request.post(
            f"{demo.url}/api/v1/questions/{question_id}/answer/",
            headers={"X-Session-Token": leader_token, "Accept-Language": "da"},
            data={"text": "Ja, det er fint. Skriv det i vagtplanen."},
        )
        assert answered.status == 200, answered.text()
        # And she reloads the screen
        page.reload()
        page.wait_for_selector(f"[data-question='{question_id}'][data-status=answered] .answer")
        item = page.locator(f"[data-question='{question_id}']")
        # Then she sees the answer marked "Min leder", with no leader's name
        assert item.locator(".answered-as").inner_text() == "Min leder"
        assert "Ja, det er fint." in item.inner_text()
        assert "Besvaret" in item.inner_text()
        content = page.content()
        check(page, "ask-answered")

    assert leader.name not in content
    # And her leader was told of the question, without her name
    [note] = Notification.objects.filter(
        data__type="question_new", data__question_id=str(question_id)
    )
    assert leader.pk in set(note.recipients.values_list("user_id", flat=True))
    assert pia.name.split()[0] not in f"{note.title} {note.body} {note.params}"


def test_a_new_hire_before_day_one_may_ask_hr_only(demo, tmp_path):
    # Given Sara, who starts in 14 days
    hire = User.objects.get(email=NEW_HIRE)
    answer_open_alerts(hire)

    with phone(tmp_path) as page:
        # When she opens "Spørg" from her inbox
        log_in(page, demo.url, NEW_HIRE)
        page.goto(f"{demo.url}/app/#/inbox")
        page.click("#open-ask")
        page.wait_for_selector("#ask-text")
        # Then HR is the only choice, and she is told why
        choices = page.locator("input[name=recipient]")
        assert [choices.nth(i).get_attribute("value") for i in range(choices.count())] == ["hr"]
        assert page.locator("text=Før din første arbejdsdag kan du stille spørgsmål til HR").count()
        check(page, "ask-preboarding")

        # When a question to her leader reaches the API anyway (the request rewritten on the way)
        def to_leader(route):
            if route.request.method != "POST":
                return route.continue_()
            body = {**json.loads(route.request.post_data), "recipient": "leader"}
            return route.continue_(post_data=json.dumps(body))

        page.route("**/api/v1/questions/", to_leader)
        page.fill("#ask-text", "Hvem er min leder?")
        page.click("#ask-send")
        # Then the app shows the API's reason, in Danish, as an alert, and nothing is listed
        refusal = page.wait_for_selector("#ask-problem[role=alert]").inner_text()
        page.unroute("**/api/v1/questions/")
        assert page.locator("#my-questions li:has-text('Hvem er min leder?')").count() == 0
        check(page, "ask-preboarding-refused")
        # And she asks HR
        page.fill("#ask-text", "Skal jeg selv have sko med til uniformen?")
        page.click("#ask-send")
        mine = page.wait_for_selector("#my-questions li:has-text('sko med til uniformen')")
        assert mine.get_attribute("data-status") == "new"
        check(page, "ask-preboarding-sent")

    assert refusal == "Før din første arbejdsdag kan du stille spørgsmål til HR."
    assert not Question.objects.filter(asker=hire, text="Hvem er min leder?").exists()
    asked = Question.objects.filter(asker=hire, text="Skal jeg selv have sko med til uniformen?")
    assert list(asked.values_list("recipient", flat=True)) == ["hr"]
