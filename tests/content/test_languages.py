"""Posts in the reader's language: approved versions, chosen in SQL, with a way back to Danish."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import services
from content.languages import reader_languages
from content.models import PostVersion
from org import services as org_services
from tests.factories import UserFactory

from .conftest import PNG_BYTES
from .factories import PostFactory
from .test_feed import FEED_QUERIES

ARABIC_TITLE = "اجتماع الموظفين"
ARABIC_BODY = "نلتقي في المقصف."
PERSIAN_TITLE = "جلسه کارکنان"


def _versions(post, author, *languages, approve=True):
    texts = {
        "en": ("Staff meeting", "We meet in the canteen."),
        "ar": (ARABIC_TITLE, ARABIC_BODY),
        "fa": (PERSIAN_TITLE, "در غذاخوری همدیگر را می‌بینیم."),
        "uk": ("Збори персоналу", "Зустрічаємося в їдальні."),
    }
    for language in languages:
        title, body = texts[language]
        version = services.post_version_save(
            actor=author, post=post, language=language, title=title, summary=title, body=body
        )
        if approve:
            services.post_version_approve(actor=author, version=version)


def _reader(*, language="da", reading_language=""):
    person = UserFactory(language=language)
    if reading_language:
        org_services.user_profile_update(user=person, reading_language=reading_language)
    return person


@pytest.fixture
def meeting(org):
    post = PostFactory(author=org.comms, title="Personalemøde", body="Vi mødes i kantinen.")
    _versions(post, org.comms, "en", "ar")
    return post


# (profile language, profile reading language, Accept-Language, shown language)
CHOICE_TABLE = [
    ("da", "", "", "da"),  # nothing wished: the Danish original
    ("en", "", "", "en"),  # the app in English
    ("da", "ar", "en", "ar"),  # the reading language first
    ("da", "", "ar, en;q=0.8", "ar"),  # the phone's languages in order
    ("da", "", "fa, en;q=0.8", "en"),  # no Persian version: the next wish
    ("da", "", "da, en;q=0.8", "da"),  # Danish preferred to English
    ("da", "fa", "", "da"),  # no version in the only wish: Danish
    ("da", "", "xx-YY, *", "da"),  # nothing known
]


@pytest.mark.parametrize(("language", "reading", "accept", "shown"), CHOICE_TABLE)
def test_the_feed_shows_the_readers_language_else_danish(
    org, api, meeting, language, reading, accept, shown
):
    reader = _reader(language=language, reading_language=reading)
    response = api(reader).get("/api/v1/feed/", HTTP_ACCEPT_LANGUAGE=accept)
    [item] = response.json()["results"]
    expected_title = {"da": "Personalemøde", "en": "Staff meeting", "ar": ARABIC_TITLE}[shown]
    assert (item["title"], item["summary"], item["language"]) == (
        expected_title,
        "" if shown == "da" else expected_title,
        shown,
    )
    assert (item["original_language"], item["translated"], item["rtl"]) == (
        "da",
        shown != "da",
        shown == "ar",
    )


def test_an_unapproved_version_is_never_shown(org, api):
    post = PostFactory(author=org.comms, title="Personalemøde", body="Vi mødes.")
    _versions(post, org.comms, "en", approve=False)
    reader = _reader(language="en")
    [item] = api(reader).get("/api/v1/feed/").json()["results"]
    detail = api(reader).get(f"/api/v1/posts/{post.pk}/").json()
    assert (item["title"], item["language"]) == ("Personalemøde", "da")
    assert (detail["title"], detail["available_languages"]) == ("Personalemøde", ["da"])


def test_a_changed_version_needs_approval_again(org, api, meeting):
    reader = _reader(language="en")
    client = api(reader)
    [before] = client.get("/api/v1/feed/").json()["results"]
    services.post_version_save(
        actor=org.comms, post=meeting, language="en", title="Staff meeting moved"
    )
    [after] = client.get("/api/v1/feed/").json()["results"]
    synced = client.get("/api/v1/feed/", {"updated_since": before["updated_at"]}).json()
    assert (before["title"], after["title"]) == ("Staff meeting", "Personalemøde")
    assert PostVersion.objects.get(post=meeting, language="en").approved is False
    # A phone syncing since then learns that what it shows changed.
    assert [item["id"] for item in synced["results"]] == [meeting.pk]


def test_the_detail_in_arabic_is_right_to_left_with_its_own_attachments(org, api, meeting):
    # Given a Danish and an Arabic plan attached, and one for every language
    for name, language in [("plan-da.png", "da"), ("plan-ar.png", "ar"), ("kort.png", "")]:
        services.attachment_add(
            actor=org.comms,
            post=meeting,
            upload=SimpleUploadedFile(name, PNG_BYTES, content_type="image/png"),
            language=language,
        )
    reader = _reader(reading_language="ar")
    client = api(reader)

    # When the reader opens it, and then switches to the original
    arabic = client.get(f"/api/v1/posts/{meeting.pk}/").json()
    original = client.get(f"/api/v1/posts/{meeting.pk}/?original=true").json()

    # Then the Arabic version comes right to left with its attachments; the switch gives Danish
    assert (arabic["title"], arabic["body"], arabic["language"], arabic["rtl"]) == (
        ARABIC_TITLE,
        ARABIC_BODY,
        "ar",
        True,
    )
    assert arabic["body_html"] == f"<p>{ARABIC_BODY}</p>"
    assert arabic["available_languages"] == ["da", "ar", "en"]
    assert [a["name"] for a in arabic["attachments"]] == ["plan-ar.png", "kort.png"]
    assert (original["title"], original["language"], original["translated"]) == (
        "Personalemøde",
        "da",
        False,
    )
    assert [a["name"] for a in original["attachments"]] == ["plan-da.png", "kort.png"]
    assert "versions" not in arabic and "readability" not in arabic


def test_the_feed_switch_shows_the_originals(org, api, meeting):
    reader = _reader(language="en")
    [item] = api(reader).get("/api/v1/feed/?original=true").json()["results"]
    assert (item["title"], item["translated"]) == ("Personalemøde", False)


def test_reach_counts_a_read_of_any_version(org, api, meeting):
    readers = [_reader(), _reader(language="en"), _reader(reading_language="ar")]
    for reader in readers:
        assert api(reader).get(f"/api/v1/posts/{meeting.pk}/").status_code == 200
    languages = []
    for reader in readers:
        [item] = api(reader).get("/api/v1/feed/").json()["results"]
        languages.append((item["language"], item["is_read"]))

    reach = api(org.comms).get(f"/api/v1/posts/{meeting.pk}/reach/").json()

    assert languages == [("da", True), ("en", True), ("ar", True)]
    assert reach["read"] == 3


def test_feed_query_count_is_unchanged_with_three_versions_per_post(
    org, api, django_assert_num_queries
):
    # Given 20 posts, each in English, Arabic and Persian, and a reader wishing all three
    for i in range(20):
        post = PostFactory(author=org.comms, title=f"Opslag {i}", body="Tekst.")
        _versions(post, org.comms, "en", "ar", "fa")
    reader = _reader(reading_language="fa")
    client = api(reader)

    # When the feed is read
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get("/api/v1/feed/?page_size=20", HTTP_ACCEPT_LANGUAGE="ar, en")

    # Then every post comes in Persian, from the same queries as a feed without versions
    results = response.json()["results"]
    assert len(results) == 20
    assert {(item["title"], item["language"], item["rtl"]) for item in results} == {
        (PERSIAN_TITLE, "fa", True)
    }


def test_writers_write_and_approve_versions_through_the_api(org, api):
    post = PostFactory(author=org.leader, title="Personalemøde", body="Vi mødes.",
                       audience=services.AudienceSpec(units=[(org.unit_a, True)]))  # fmt: skip
    client = api(org.leader)

    written = client.put(
        f"/api/v1/posts/{post.pk}/versions/uk/",
        {"title": "Збори персоналу", "body": "Зустрічаємося."},
        format="json",
    )
    before = client.get(f"/api/v1/posts/{post.pk}/").json()["versions"]
    approved = client.post(f"/api/v1/posts/{post.pk}/versions/uk/approve/")
    own_language = client.put(
        f"/api/v1/posts/{post.pk}/versions/da/", {"title": "Møde"}, format="json"
    )
    unknown = client.put(f"/api/v1/posts/{post.pk}/versions/xx/", {"title": "X"}, format="json")

    assert written.status_code == 200, written.content
    assert [(v["language"], v["approved"], v["machine_draft"]) for v in before] == [
        ("uk", False, False)
    ]
    assert (approved.status_code, approved.json()["approved"]) == (200, True)
    assert (own_language.status_code, own_language.json()["code"]) == (400, "validation_error")
    assert unknown.status_code == 404
    assert PostVersion.objects.filter(post=post).count() == 1


def test_no_machine_translation_is_configured(org, api):
    post = PostFactory(author=org.comms, title="Personalemøde", body="Vi mødes.")
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/versions/en/machine-draft/")
    assert (response.status_code, response.json()["code"]) == (409, "translation_unavailable")
    assert PostVersion.objects.count() == 0


class UpperCaseProvider:
    """A provider on this machine, standing in for a real one: no network."""

    calls: list[tuple[str, str]] = []

    def translate(self, *, texts, source, target):
        UpperCaseProvider.calls.append((source, target))
        return [text.upper() for text in texts]


def test_a_machine_draft_waits_for_a_person(org, api, settings):
    settings.CONTENT_TRANSLATION_PROVIDER = "tests.content.test_languages.UpperCaseProvider"
    UpperCaseProvider.calls = []
    post = PostFactory(author=org.comms, title="Personalemøde", body="Vi mødes.")

    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/versions/en/machine-draft/")
    [item] = api(_reader(language="en")).get("/api/v1/feed/").json()["results"]

    assert response.status_code == 201
    assert (response.json()["title"], response.json()["machine_draft"]) == ("PERSONALEMØDE", True)
    assert response.json()["approved"] is False
    assert UpperCaseProvider.calls == [("da", "en")]
    assert item["title"] == "Personalemøde"  # not shown before a person approves it


def test_the_reading_language_is_set_on_the_profile(org, api):
    client = api(org.employee)
    response = client.patch("/api/v1/me/", {"reading_language": "uk"}, format="json")
    refused = client.patch("/api/v1/me/", {"reading_language": "xx"}, format="json")
    assert (response.status_code, response.json()["reading_language"]) == (200, "uk")
    assert refused.status_code == 400
    assert reader_languages(user=org.employee.__class__.objects.get(pk=org.employee.pk)) == ["uk"]
