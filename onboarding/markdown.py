"""Step bodies: Markdown rendered to HTML and sanitised with a fixed allow-list.

Kept to the same allow-list as posts so a step and the post it links to look alike; when
`content` ships a shared sanitiser, this module should delegate to it.
"""

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h2",
        "h3",
        "h4",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})


def render_markdown(text: str) -> str:
    """Return sanitised HTML for `text`: raw HTML in the source never survives unescaped."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
