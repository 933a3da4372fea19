"""Plain-text comments to safe HTML: everything escaped, http(s) links made into safe anchors.

The text is split on URLs; each piece is escaped, each URL becomes an anchor whose href is the
escaped URL, and nh3 cleans the result against an allow-list of `a` (href only) and `br` as a
second line of defence, adding rel="nofollow noopener noreferrer" to every link.
"""

import re

import nh3
from django.utils.html import escape

# Stops at whitespace, quotes and angle brackets, so a URL cannot carry markup out with it.
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the link.
_TRAILING = ".,;:!?)"


def _anchor(url: str) -> tuple[str, str]:
    trimmed = url.rstrip(_TRAILING)
    return f'<a href="{escape(trimmed)}">{escape(trimmed)}</a>', escape(url[len(trimmed) :])


def comment_html(text: str) -> str:
    """The comment as HTML that a browser cannot run: text, line breaks and http(s) links."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.extend(_anchor(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    return nh3.clean(
        html,
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )
