"""The moderation page: communications sees reported comments with their reports and hides,
keeps or restores them by form; everything a commenter typed is shown inert."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dialogue import services
from dialogue.models import Comment
from tests.content.factories import PostFactory
from tests.dialogue.test_xss import CORPUS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/moderering/"


def decide(comment) -> str:
    return f"/dashboard/moderering/{comment.pk}/"


@pytest.fixture
def news(org):
    return PostFactory(author=org.comms, title="Ny kantine")


def _reported(org, post, text: str, *reasons: str) -> Comment:
    comment = services.comment_create(author=org.employee, post=post, text=text)
    for i, reason in enumerate(reasons):
        reporter = UserFactory(name=f"Anmelder {i}", unit=org.team_b)
        services.comment_report(reporter=reporter, comment=comment, reason=reason)
    return comment


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="org.backends.ModelBackend")
    return client


def _token(client) -> str:
    page = client.get(PAGE).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_communications_sees_reported_comments_with_their_reports(org, news, web):
    # Given one comment reported twice, one reported once, and one not reported
    twice = _reported(org, news, "Kantinen er elendig", "Groft sprog", "Usandt")
    once = _reported(org, news, "Maden er kold", "")
    services.comment_create(author=org.employee, post=news, text="Tak for nyt")
    # When communications opens the page
    response = web(org.comms).get(PAGE)
    # Then the reported ones are there, most reported first, each with its reports
    assert response.status_code == 200
    html = response.content.decode()
    order = [int(n) for n in re.findall(r'<article class="card" data-comment="(\d+)"', html)]
    assert order == [twice.pk, once.pk]
    assert "Groft sprog" in html and "Usandt" in html and "Anmelder 0" in html
    assert "Tak for nyt" not in html


@pytest.mark.parametrize("who", ["hr", "leader", "employee"])
def test_the_page_is_for_communications(org, web, who):
    # HR and leaders use the dashboard but not this page; an employee not the dashboard at all
    response = web(getattr(org, who)).get(PAGE)
    assert response.status_code == 403
    assert b"Moderering" not in response.content.split(b"<main>")[0]


def test_the_navigation_shows_moderation_to_communications_only(org, web):
    assert b'href="/dashboard/moderering/"' in web(org.comms).get("/dashboard/raekkevidde/").content
    assert (
        b'href="/dashboard/moderering/"' not in web(org.hr).get("/dashboard/raekkevidde/").content
    )


def test_hiding_needs_the_csrf_token_and_then_hides_through_the_service(org, news):
    # Given a reported comment and communications in a browser-like client with CSRF checks
    comment = _reported(org, news, "Kantinen er elendig", "Groft sprog")
    client = _csrf_client(org.comms)
    # When it posts the form without the token
    refused = client.post(decide(comment), {"decision": "hide"})
    # Then it is refused and nothing changed
    assert refused.status_code == 403
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.open_reports) == (None, 1)
    # When it posts the form with the token
    done = client.post(
        decide(comment),
        {"decision": "hide", "reason": "Personangreb", "csrfmiddlewaretoken": _token(client)},
    )
    # Then the comment is hidden by communications, out of the queue, in the hidden list
    assert (done.status_code, done["Location"]) == (302, PAGE)
    comment.refresh_from_db()
    assert (comment.hidden_by_id, comment.hidden_reason, comment.open_reports) == (
        org.comms.pk,
        "Personangreb",
        0,
    )
    page = client.get(PAGE).content.decode()
    assert "Kommentaren er skjult." in page
    assert 'id="queue-empty"' in page
    assert f'<tr data-comment="{comment.pk}">' in page
    # When communications restores it
    client.post(decide(comment), {"decision": "restore", "csrfmiddlewaretoken": _token(client)})
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.hidden_by_id, comment.hidden_reason) == (None, None, "")


def test_keeping_ends_the_reports_and_bad_input_changes_nothing(org, news, web):
    comment = _reported(org, news, "Maden er kold", "Usandt")
    client = web(org.comms)
    # When the decision is missing or unknown
    for body in ({}, {"decision": "delete"}, {"decision": "hide", "reason": "x" * 501}):
        response = client.post(decide(comment), body)
        assert response.status_code == 302
    # Then nothing changed
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.open_reports) == (None, 1)
    # When it is kept
    client.post(decide(comment), {"decision": "keep"})
    # Then it stays shown and leaves the queue
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.open_reports) == (None, 0)


def test_a_get_or_an_unknown_comment_does_nothing(org, news, web):
    comment = _reported(org, news, "Maden er kold", "Usandt")
    client = web(org.comms)
    assert client.get(decide(comment)).status_code == 405
    assert client.post("/dashboard/moderering/999999/", {"decision": "hide"}).status_code == 404
    comment.refresh_from_db()
    assert comment.hidden_at is None


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_xss_corpus_is_shown_inert_in_the_queue_and_the_hidden_list(org, news, web):
    # Given every corpus entry as a reported comment, and the first one hidden
    comments = [_reported(org, news, text, text) for text in CORPUS]
    services.comment_moderate(actor=org.comms, comment=comments[0], decision="hide", reason="<b>")
    # When communications opens the page
    html = web(org.comms).get(PAGE).content.decode()
    # Then every comment is on it, as text
    assert html.count('class="comment-text"') == len(CORPUS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # And the page has no tag the corpus brought: no script, image, svg, frame or second style,
    # no event handler, no javascript: or data: link
    tags = _tags(html)
    names = [name for name, _attrs in tags]
    for name in ("script", "img", "svg", "iframe", "b"):
        assert name not in names, name
    assert names.count("style") == 1  # the page's own
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (name, attrs)
        href = (attrs.get("href") or "").lower()
        assert not href.startswith(("javascript:", "data:")), href


def test_the_page_costs_the_same_for_2_and_20_reported_comments(org, news, web):
    client = web(org.comms)
    counts = []
    for n in (2, 18):
        for i in range(n):
            _reported(org, news, f"Kommentar {i}", "Groft", "Usandt")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGE)
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.content.decode().count('<article class="card"') == 20
    # The session and the person (2), their roles (1), the queue's count and page (2), the
    # reports with their reporters (1), the last hidden (1).
    assert counts == [7, 7]
