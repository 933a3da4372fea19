"""LIX (Björnsson's läsbarhetsindex) for Danish text, with its own tokenisation.

LIX = words per sentence + 100 × long words / words, where a long word has more than six
letters. The rules below are the ones the hand-computed table in tests/content/test_lix.py
follows:

- A word is a whitespace-separated token with at least one letter or digit. Only letters
  count towards its length: "MED-udvalget" has 11, "f.eks." 4, "kollega(er)" 9. A number
  ("14.30", "1.250", "12,5") is a word that is never long. A dash on its own ("–", "-") and a
  sign ("%", "&") are not words.
- A hyphenated word is one word ("e-mail", "uddannelses-"): the hyphen joins, not splits.
- A sentence ends at ".", "!", "?" or ":" closing a token, at a blank line (a paragraph), and
  before a heading or list item (Markdown "#", "-", "*", "+", "1." or "1)" at a line start,
  which are not words themselves). A title is its own sentence.
- A "." does not end a sentence when the next word starts with a small letter ("1. december",
  "evt. titel"), nor after an abbreviation that stands inside a sentence ("bl.a.", "f.eks.",
  "kl.", "ca.", ...). An abbreviation that may close a list ("osv.", "m.m.", "mv.", "etc.")
  ends the sentence when a capitalised word follows.
- Markdown marks, link targets and bare URLs are not text.

Bands as Danish communicators use them: under 25 meget let, 25–34 let, 35–44 middel,
45–54 svær, 55 and over meget svær.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

LONG_WORD_LETTERS = 7  # "more than six letters"

# Abbreviations whose period never ends a sentence: they stand inside one.
_INNER_ABBREVIATIONS = frozenset(
    {
        "bl.a.",
        "f.eks.",
        "fx.",
        "kl.",
        "ca.",
        "evt.",
        "nr.",
        "jf.",
        "dvs.",
        "pga.",
        "mht.",
        "ift.",
        "iflg.",
        "inkl.",
        "ekskl.",
        "tlf.",
        "hhv.",
        "vedr.",
        "ang.",
        "bl.",
        "f.",
        "hr.",
        "fr.",
        "st.",
        "s.",
        "stk.",
        "pkt.",
    }
)
# Abbreviations that may close a sentence ("... vasker af osv. Derefter ...").
_CLOSING_ABBREVIATIONS = frozenset({"osv.", "m.m.", "mv.", "etc.", "o.l.", "m.fl.", "mfl."})

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A Markdown heading, list or quote mark at a line start; repeated ("- 1) Vi ...").
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)")
_TRAILING_CLOSERS = "\"')]}»”’*_`"
_LEADING_OPENERS = "\"'([{«“‘*_`"
_SENTENCE_ENDS = ".!?:"


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float | None:
        if not self.words:
            return None
        return self.words / self.sentences + 100 * self.long_words / self.words


def _letters(token: str) -> int:
    return sum(1 for char in token if char.isalpha())


def _is_word(token: str) -> bool:
    return any(char.isalnum() for char in token)


def _ends_sentence(token: str, following: str | None) -> bool:
    core = token.rstrip(_TRAILING_CLOSERS)
    if not core or core[-1] not in _SENTENCE_ENDS:
        return False
    if core[-1] in "!?:":
        return True
    bare = core.lstrip(_LEADING_OPENERS).lower()
    if bare in _INNER_ABBREVIATIONS:
        return False
    starts_small = following is not None and following.lstrip(_LEADING_OPENERS)[:1].islower()
    if starts_small:
        return False
    if bare in _CLOSING_ABBREVIATIONS:
        return following is None or following.lstrip(_LEADING_OPENERS)[:1].isupper()
    return True


def _lines_to_blocks(text: str) -> list[str]:
    """Paragraphs and line-start items, each ending its sentence, marks removed."""
    blocks: list[str] = []
    for paragraph in _BLANK_LINE.split(text):
        current: list[str] = []
        for line in paragraph.split("\n"):
            stripped = line
            marked = False
            while (match := _LINE_MARK.match(stripped)) is not None and match.end() > 0:
                stripped = stripped[match.end() :]
                marked = True
            if marked and current:
                blocks.append(" ".join(current))
                current = []
            current.append(stripped)
        blocks.append(" ".join(current))
    return blocks


def count(text: str) -> Counts:
    """Words, sentences and long words of a Markdown text."""
    text = _URL.sub(" ", _LINK_TARGET.sub("]", text.replace("\r\n", "\n")))
    words = sentences = long_words = 0
    for block in _lines_to_blocks(text):
        tokens = [token for token in block.split() if _is_word(token)]
        open_sentence = False
        for i, token in enumerate(tokens):
            words += 1
            if _letters(token) >= LONG_WORD_LETTERS:
                long_words += 1
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            open_sentence = True
            if _ends_sentence(token, following):
                sentences += 1
                open_sentence = False
        if open_sentence:
            sentences += 1  # a paragraph or item without a final stop is still a sentence
    return Counts(words=words, sentences=sentences, long_words=long_words)


def lix(text: str) -> int | None:
    """The LIX of a text, rounded half up to a whole number; None for a text without words."""
    value = count(text).lix
    return None if value is None else math.floor(value + 0.5)


def post_lix(*, title: str, body: str) -> int | None:
    """The LIX of a post: its title as one sentence, then its body."""
    return lix(f"{title}\n\n{body}")


BANDS = (
    (25, "very_easy", _("meget let")),
    (35, "easy", _("let")),
    (45, "medium", _("middel")),
    (55, "hard", _("svær")),
    (None, "very_hard", _("meget svær")),
)
BAND_CODES = tuple(code for _limit, code, _label in BANDS)


def band(value: int | None) -> tuple[str, str] | None:
    """(code, Danish label) of a LIX value, or None without one."""
    if value is None:
        return None
    for limit, code, label in BANDS:
        if limit is None or value < limit:
            return code, str(label)
    raise AssertionError("unreachable")
