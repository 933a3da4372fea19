"""Markdown to sanitised HTML: Markdown renders, then nh3 keeps only a fixed allow-list.

Markdown passes raw HTML through, so everything it emits is treated as hostile: only the tags
and attributes below survive, links only to https: and mailto:, no images (attachments carry
pictures), no style, no classes, no event handlers.
"""

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "del", "s", "blockquote", "code", "pre",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"https", "mailto"})
_ALIGNMENTS = frozenset({"left", "right", "center"})


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 already drops other schemes; this also drops relative and protocol-relative links,
    # which point nowhere useful inside the app.
    if attribute == "href":
        lowered = value.strip().lower()
        return value if lowered.startswith(("https://", "mailto:")) else None
    if attribute == "align":
        return value if value in _ALIGNMENTS else None
    if attribute == "start":
        return value if value.isdigit() and len(value) < 6 else None
    return value


def render_markdown(text: str) -> str:
    """Render Markdown to HTML that is safe to show as is."""
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "fenced_code"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
