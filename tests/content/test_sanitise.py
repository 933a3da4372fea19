"""Sanitisation: known XSS payloads come out inert; ordinary formatting survives."""

import re

import pytest

from content.rendering import render_markdown

from .factories import PostFactory

# Payloads from the OWASP XSS filter evasion cheat sheet and Markdown-specific vectors.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="jav&#x09;ascript:alert(1)">klik</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[klik](javascript:alert(1))",
    "[klik](JAVASCRIPT:alert(1))",
    "[klik](data:text/html,<script>alert(1)</script>)",
    "![billede](javascript:alert(1))",
    '![x](https://example.org/x.png"onerror="alert(1))',
    '[x](https://example.org "title" onmouseover=alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'https://xss.example/x.css';</style>",
    '<object data="https://xss.example/x.swf"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p onclick="alert(1)">tekst</p>',
    "<!--<script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="//xss.example/">protokol-relativ</a>',
]
# What must never appear in the output of any payload.
DANGER = re.compile(
    r"<\s*(script|img|svg|iframe|object|embed|form|input|style|meta|base|math|details|body|div)"
    r"|\bon[a-z]+\s*=|javascript:|vbscript:|data:|style\s*=|href=\"(?!https://|mailto:)",
    re.IGNORECASE,
)


def test_there_are_at_least_twenty_payloads():
    assert len(XSS_PAYLOADS) >= 20


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_comes_out_inert(payload):
    html = render_markdown(f"Før\n\n{payload}\n\nEfter")
    assert DANGER.search(html) is None, html
    # Text before the payload survives (an unclosed <style> may swallow what follows it).
    assert "<p>Før</p>" in html


def test_legitimate_formatting_survives():
    body = (
        "# Overskrift\n\n## Underoverskrift\n\n"
        "Tekst med *kursiv*, **fed** og ~~ikke~~ et [link](https://slagelse.dk/) "
        "og [mail](mailto:hr@slagelse.dk).\n\n"
        "- punkt et\n- punkt to\n\n"
        "1. først\n2. så\n\n"
        "> citat\n\n"
        "| Vagt | Tid |\n|:-----|----:|\n| Dag | 7-15 |\n| Aften | 15-23 |\n"
    )
    html = render_markdown(body)
    assert "<h1>Overskrift</h1>" in html
    assert "<h2>Underoverskrift</h2>" in html
    assert "<em>kursiv</em>" in html and "<strong>fed</strong>" in html
    assert '<a href="https://slagelse.dk/" rel="noopener noreferrer nofollow">link</a>' in html
    assert '<a href="mailto:hr@slagelse.dk" rel="noopener noreferrer nofollow">mail</a>' in html
    assert "<ul>\n<li>punkt et</li>\n<li>punkt to</li>\n</ul>" in html
    assert "<ol>\n<li>først</li>\n<li>så</li>\n</ol>" in html
    assert "<blockquote>" in html
    assert '<th align="left">Vagt</th>' in html
    assert '<td align="right">7-15</td>' in html


def test_the_stored_post_keeps_the_markdown_and_serves_the_sanitised_html(org, api):
    # Given a post whose body carries a script and formatting
    post = PostFactory(author=org.comms, body="**Vigtigt** <script>alert(1)</script>")

    # When an addressee opens it
    body = api(org.employee).get(f"/api/v1/posts/{post.pk}/").json()

    # Then the written Markdown is kept and the HTML is clean
    assert body["body"] == "**Vigtigt** <script>alert(1)</script>"
    assert body["body_html"] == "<p><strong>Vigtigt</strong> </p>"
