"""Comments are plain text: whatever is typed comes back in the API as inert HTML."""

import re

import pytest

from dialogue.rendering import comment_html

from .conftest import comments_url

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">klik</a>',
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<iframe src=https://evil.example></iframe>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>body{display:none}</style>",
    "HTTPS://EXAMPLE.ORG/x?a=1&b=<b>2</b>",
    "`${alert(1)}` {{7*7}} <!-- -->",
]

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def _assert_inert(html: str) -> None:
    for closing, name, attributes in TAG.findall(html):
        assert name.lower() in {"a", "br"}, html
        if name.lower() == "a" and not closing:
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
            assert set(attrs) <= {"href", "rel"}, html
            assert attrs.get("href", "").lower().startswith(("http://", "https://")), html
    # Any "javascript:" left is text between tags, never inside one
    assert all("javascript:" not in attributes.lower() for _c, _n, attributes in TAG.findall(html))


@pytest.mark.parametrize("text", CORPUS)
def test_every_corpus_entry_comes_back_inert_through_the_api(org, news, client_for, text):
    client = client_for(org.employee)
    created = client.post(comments_url(news), {"text": text}, format="json")
    assert created.status_code == 201
    [item] = client.get(comments_url(news)).json()["results"]
    # The raw text comes back as typed (the client shows it as text) ...
    assert item["text"] == text
    # ... and the HTML has no tag but <a href="http(s)…"> and <br>, no event handler
    _assert_inert(item["html"])
    assert "<script" not in item["html"].lower()
    assert "<img" not in item["html"].lower()
    assert "<svg" not in item["html"].lower()


def test_links_become_safe_anchors_and_the_rest_is_escaped():
    assert comment_html("Se https://slagelse.dk/nyt. <b>Nu</b>\nTak") == (
        'Se <a href="https://slagelse.dk/nyt" rel="nofollow noopener noreferrer">'
        "https://slagelse.dk/nyt</a>. &lt;b&gt;Nu&lt;/b&gt;<br>Tak"
    )


def test_a_quote_in_a_url_cannot_leave_the_href():
    html = comment_html('https://example.org/"onmouseover="alert(1)')
    assert html == (
        '<a href="https://example.org/" rel="nofollow noopener noreferrer">https://example.org/</a>'
        '"onmouseover="alert(1)'
    )
