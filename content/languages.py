"""Which language a reader gets a post in: profile, then the phone's Accept-Language, then Danish."""

from django.utils.translation.trans_real import parse_accept_lang_header

from org.models import Language, ReadingLanguage, User

# More than three wished languages add joins to the feed query and help nobody in practice.
MAX_LANGUAGES = 3


def reader_languages(*, user: User, accept_language: str = "") -> list[str]:
    """The reader's languages other than Danish, most wanted first; empty: Danish.

    The profile decides first (the reading language, then an app language other than the
    default Danish), then Accept-Language in its order of preference. Danish ends the list:
    a reader who prefers Danish to English gets the Danish original.
    """
    wished: list[str] = []
    if user.reading_language:
        wished.append(user.reading_language)
    if user.language and user.language != Language.DA:
        wished.append(user.language)
    for tag, _quality in parse_accept_lang_header(accept_language[:500]):
        wished.append(tag.split("-")[0].lower())
    chosen: list[str] = []
    for code in wished:
        if code == ReadingLanguage.DA:
            break
        if code in ReadingLanguage.values and code not in chosen:
            chosen.append(code)
        if len(chosen) == MAX_LANGUAGES:
            break
    return chosen
