"""LIX: the Danish tokenisation against hand-computed texts, and where writers see it.

LIX = words / sentences + 100 × long words / words; a long word has more than six letters.
Each row of LIX_TABLE was counted by hand, word by word, before the code ran: the comment
above it lists the sentences, their words (long words marked L with their letter count) and
the sum. The rules it follows are in content/lix.py's docstring.
"""

import pytest
from django.test import Client

from backend.errors import ApplicationError
from content import lix, services
from content.models import Post, PostKind, PostStatus
from content.services import AudienceSpec

from .factories import PostFactory

# Paragraphs of Slagelse Kommune's communication strategy (Kommunikation 2023), verbatim.
SEED_HOVEDFORMAAL = (
    "Kommunikationsstrategien sætter retning for både intern og ekstern kommunikation i "
    "Slagelse Kommune."
)
SEED_VAERKTOEJ = (
    "Strategien er et vigtigt værktøj, som bruges til at guide hvad, hvordan, hvornår og hvem, "
    "vi kommunikerer til og med. Når det er nødvendigt, så anbefales det, at der udarbejdes en "
    "kommunikationsplan i samarbejde med Kommunikationsafdelingen."
)
SEED_KERNEFORTAELLING = (
    "Vores kommunikation skal også have fokus på det overordnede strategiske formål med "
    "Kernefortællingen, nemlig at Slagelse Kommune er en kommune med plads til det gode liv, "
    "en unik geografisk placering midt i landet samt uddannelses- og karrieremuligheder."
)
SEED_PRINCIPPER = """For at lykkes med vores kommunikation arbejder vi ud fra følgende principper:

- 1) Vi kommunikerer rettidigt, sagligt og relevant
- 2) Vi er en åben organisation, som tør kommunikere, også når det er svært
- 3) Vores kommunikation er positiv og konstruktiv
- 4) Vores kommunikation er samlende og engagerende, når det er muligt
- 5) Vi kommunikerer konkret og letforståeligt
- 6) Vi vurderer kommunikationsbehov ind fra start i alle processer"""
SEED_KODEKS_EVT = "- Vi præsenterer os med navn og evt. titel i mødet med borgere"

# (name, text, words, sentences, long words, LIX rounded half up)
LIX_TABLE = [
    # 1 sentence: Kommunikationsstrategien(L24) sætter(6) retning(L7) for både intern(6) og
    # ekstern(L7) kommunikation(L13) i Slagelse(L8) Kommune(L7) = 12 words, 6 long.
    # 12/1 + 600/12 = 12 + 50 = 62.
    ("seed: hovedformål", SEED_HOVEDFORMAAL, 12, 1, 6, 62),
    # S1: Strategien(L10) er et vigtigt(L7) værktøj(L7) som bruges(6) til at guide hvad
    # hvordan(L7) hvornår(L7) og hvem vi kommunikerer(L12) til og med = 20 words, 6 long.
    # S2: Når det er nødvendigt(L10) så anbefales(L9) det at der udarbejdes(L10) en
    # kommunikationsplan(L18) i samarbejde(L10) med Kommunikationsafdelingen(L24)
    # = 16 words, 6 long. 36/2 + 1200/36 = 18 + 33.33 = 51.33 → 51.
    ("seed: værktøj", SEED_VAERKTOEJ, 36, 2, 12, 51),
    # 1 sentence: Vores kommunikation(L13) skal også have fokus på det overordnede(L11)
    # strategiske(L11) formål(6) med Kernefortællingen(L17) nemlig(6) at Slagelse(L8)
    # Kommune(L7) er en kommune(L7) med plads til det gode liv en unik geografisk(L10)
    # placering(L9) midt i landet(6) samt uddannelses-(L11, the hyphen is no letter) og
    # karrieremuligheder(L18) = 37 words, 11 long. 37 + 1100/37 = 37 + 29.73 = 66.73 → 67.
    ("seed: kernefortælling (hyphen)", SEED_KERNEFORTAELLING, 37, 1, 11, 67),
    # The colon ends the lead-in; each list item is a sentence; "- 1)" marks are no words.
    # For at lykkes(6) med vores kommunikation(L) arbejder(L8) vi ud fra følgende(L8)
    # principper(L10) = 12 words, 4 long.
    # 1) Vi kommunikerer(L12) rettidigt(L9) sagligt(L7) og relevant(L8) = 6, 4 long.
    # 2) Vi er en åben organisation(L12) som tør kommunikere(L11) også når det er svært(6)
    #    = 13, 2 long.
    # 3) Vores kommunikation(L) er positiv(L7) og konstruktiv(L11) = 6, 3 long.
    # 4) Vores kommunikation(L) er samlende(L8) og engagerende(L11) når det er muligt(6)
    #    = 10, 3 long.
    # 5) Vi kommunikerer(L) konkret(L7) og letforståeligt(L14) = 5, 3 long.
    # 6) Vi vurderer(L8) kommunikationsbehov(L19) ind fra start i alle processer(L9) = 9, 3 long.
    # 61 words, 7 sentences, 22 long: 61/7 + 2200/61 = 8.71 + 36.07 = 44.78 → 45.
    ("seed: principper (colon, list)", SEED_PRINCIPPER, 61, 7, 22, 45),
    # Vi præsenterer(L11) os med navn og evt.(an abbreviation: no end) titel i mødet med
    # borgere(L7) = 12 words, 1 sentence, 2 long. 12 + 200/12 = 12 + 16.67 = 28.67 → 29.
    ("seed: kodeks (evt.)", SEED_KODEKS_EVT, 12, 1, 2, 29),
    # S1: Vi mødes kl.(no end) 14.30(number) i kantinen(L8) f.eks.(4 letters, no end) om
    # MED-udvalget(L11) = 9 words, 2 long. S2: Tag bl.a.(no end) 2 kopper(6) med = 5, 0 long.
    # 14/2 + 200/14 = 7 + 14.29 = 21.29 → 21.
    (
        "kl., f.eks., bl.a., numbers",
        "Vi mødes kl. 14.30 i kantinen, f.eks. om MED-udvalget. Tag bl.a. 2 kopper med!",
        14,
        2,
        2,
        21,
    ),
    # S1: Der var 1.250 deltagere(L9) i 2023 = 6 words, 1 long ("2023." then "Det": an end).
    # S2: Det er 12,5 flere end året før = 7 words ("%" is no word), 0 long.
    # 13/2 + 100/13 = 6.5 + 7.69 = 14.19 → 14.
    (
        "numbers with points and commas",
        "Der var 1.250 deltagere i 2023. Det er 12,5 % flere end året før.",
        13,
        2,
        1,
        14,
    ),
    # S1: Mødet er den 1.(ordinal: "december" follows in small letters) december(L8) kl. 9
    # = 7 words, 1 long. S2: Alle er velkomne(L8) = 3 words, 1 long.
    # 10/2 + 200/10 = 5 + 20 = 25.
    (
        "ordinal date",
        "Mødet er den 1. december kl. 9. Alle er velkomne.",
        10,
        2,
        2,
        25,
    ),
    # S1: Vi rydder(6) op vasker(6) af osv.(a closing abbreviation before a capital: an end)
    # = 6 words, 0 long. S2: Derefter(L8) går vi hjem = 4 words, 1 long. 10/2 + 10 = 15.
    ("osv. closes a sentence", "Vi rydder op, vasker af osv. Derefter går vi hjem.", 10, 2, 1, 15),
    # Har du spørgsmål(L9) | Ring til os | Vi svarer(6) hurtigt(L7): 9 words, 3 sentences,
    # 2 long. 9/3 + 200/9 = 3 + 22.22 = 25.22 → 25.
    ("question and exclamation", "Har du spørgsmål? Ring til os! Vi svarer hurtigt.", 9, 3, 2, 25),
    # S1: Vi venter(6) og venter(6)... ("–" is no word) = 4. S2: Så kommer(6) bussen(6) = 3.
    # 7 words, 2 sentences, 0 long: 3.5 → 4 (half up).
    ("dash and ellipsis; half up", "Vi venter – og venter... Så kommer bussen.", 7, 2, 0, 4),
    # A heading, a link whose target is no text, emphasis: "Husk" | "Læs **reglerne** her"
    # (reglerne L8): 1 + 3 = 4 words, 2 sentences (heading, paragraph), 1 long.
    # 4/2 + 100/4 = 2 + 25 = 27.
    (
        "markdown heading, link, emphasis",
        "# Husk\n\nLæs **reglerne** [her](https://eksempel.dk/meget-lange-regler)",
        4,
        2,
        1,
        27,
    ),
]


@pytest.mark.parametrize(
    ("text", "words", "sentences", "long_words", "expected"),
    [row[1:] for row in LIX_TABLE],
    ids=[row[0] for row in LIX_TABLE],
)
def test_lix_matches_the_hand_computed_table(text, words, sentences, long_words, expected):
    assert lix.count(text) == lix.Counts(words=words, sentences=sentences, long_words=long_words)
    assert lix.lix(text) == expected


def test_an_empty_text_has_no_lix():
    assert (lix.lix(""), lix.lix("  – \n\n % "), lix.band(None)) == (None, None, None)


def test_the_title_is_its_own_sentence():
    # "Vagtplan"(L8) | "Ny plan fra mandag." : 1 + 4 = 5 words, 2 sentences, 1 long.
    # 5/2 + 100/5 = 2.5 + 20 = 22.5 → 23.
    assert lix.post_lix(title="Vagtplan", body="Ny plan fra mandag.") == 23


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "very_easy"), (24, "very_easy"), (25, "easy"), (34, "easy"), (35, "medium"),
     (44, "medium"), (45, "hard"), (54, "hard"), (55, "very_hard"), (90, "very_hard")],
)  # fmt: skip
def test_bands(value, band):
    assert lix.band(value)[0] == band


# --- Stored on save, refused at publish ------------------------------------------------

# With the title "Strategi"(L8) as a sentence: 1 + 37 + 12 = 50 words, 3 sentences,
# 0 + 11 + 6 = 17 long. 50/3 + 1700/50 = 16.67 + 34 = 50.67 → 51; 50 words, so the must-read
# rule applies (content.readability.MIN_WORDS_FOR_RULE is 40).
HARD_BODY = f"{SEED_KERNEFORTAELLING}\n\n{SEED_HOVEDFORMAAL}"
PLAIN_SUMMARY = "Vi er en god kommune at bo i. Her er plads til alle."  # LIX 6 (below)
# Vi er en god kommune(L7) at bo i | Her er plads til alle: 12 words, 2 sentences, 1 long.
# 12/2 + 100/12 = 6 + 8.33 = 14.33 → 14.
PLAIN_SUMMARY_LIX = 14


def test_lix_is_computed_and_stored_on_save(org):
    post = PostFactory(
        author=org.comms, title="Strategi", body=HARD_BODY, summary=PLAIN_SUMMARY, publish=False
    )
    post.refresh_from_db()
    assert (post.lix, post.summary_lix) == (53, PLAIN_SUMMARY_LIX)


def test_a_hard_must_read_without_a_plain_summary_is_refused(org, api):
    # Given a must-read to all staff whose text is far above the target (35)
    post = PostFactory(
        author=org.comms,
        title="Strategi",
        body=HARD_BODY,
        requires_acknowledgement=True,
        publish=False,
    )
    before = Post.objects.values().get(pk=post.pk)

    # When it is published
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/publish/", {}, format="json")

    # Then it is refused in Danish, with the figures, and nothing changed
    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "plain_summary_required",
        "message": "Opslaget skal læses og bekræftes, og teksten har LIX 53 over målet 35. "
        "Tilføj et kort fortalt i et enkelt sprog, før du udgiver.",
        "fields": {"summary": ["Skriv et kort fortalt med LIX højst 35."]},
        "lix": 53,
        "summary_lix": None,
        "target": 35,
    }
    assert Post.objects.values().get(pk=post.pk) == before


def test_a_hard_summary_does_not_count_as_plain(org, api):
    post = PostFactory(
        author=org.comms,
        title="Strategi",
        body=HARD_BODY,
        summary=SEED_VAERKTOEJ,  # LIX 51
        requires_acknowledgement=True,
        publish=False,
    )
    response = api(org.comms).post(f"/api/v1/posts/{post.pk}/publish/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "summary": ["Kort fortalt har LIX 51; det skal være højst 35."]
    }
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT


def test_a_plain_summary_lets_the_hard_must_read_out(org, api):
    post = PostFactory(
        author=org.comms,
        title="Strategi",
        body=HARD_BODY,
        requires_acknowledgement=True,
        publish=False,
    )
    client = api(org.comms)
    client.patch(f"/api/v1/posts/{post.pk}/", {"summary": PLAIN_SUMMARY}, format="json")
    response = client.post(f"/api/v1/posts/{post.pk}/publish/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["readability"] == {
        "lix": 53,
        "band": "hard",
        "band_label": "svær",
        "summary_lix": PLAIN_SUMMARY_LIX,
        "summary_band": "very_easy",
        "summary_band_label": "meget let",
        "target": 35,
        "needs_plain_summary": False,
    }


def test_a_short_must_read_is_not_held_to_the_target(org):
    post = PostFactory(
        author=org.comms,
        title="Ny hygiejneinstruks",
        body="Læs hygiejneinstruksen før mandag.",
        requires_acknowledgement=True,
    )
    # Ny hygiejneinstruks(L17) | Læs hygiejneinstruksen(L19) før mandag(6): 6 words,
    # 2 sentences, 2 long: 3 + 33.33 = 36.33 → 36, above 35; but 6 words are under the rule's
    # 40, where one long word more or less moves LIX by ten: published.
    assert (post.lix, post.status) == (36, PostStatus.PUBLISHED)


def test_a_hard_post_that_is_not_a_must_read_is_published(org):
    post = PostFactory(author=org.comms, title="Strategi", body=HARD_BODY)
    assert post.status == PostStatus.PUBLISHED


def test_a_crisis_alert_is_never_held_back_for_its_wording(org):
    post = PostFactory(author=org.comms, kind=PostKind.ALERT, title="Strategi", body=HARD_BODY)
    assert (post.status, post.requires_acknowledgement, post.lix) == (
        PostStatus.PUBLISHED,
        True,
        53,
    )


@pytest.mark.parametrize(
    ("target_groups", "published"), [(40, False), (53, True)], ids=["above", "at"]
)
def test_a_narrower_audience_has_its_own_target(org, settings, target_groups, published):
    # Given the groups' target, and a must-read to one unit with LIX 53 and no summary
    settings.CONTENT_LIX_TARGET_GROUPS = target_groups
    post = PostFactory(
        author=org.leader,
        audience=AudienceSpec(units=[(org.unit_a, True)]),
        title="Strategi",
        body=HARD_BODY,
        requires_acknowledgement=True,
        publish=False,
    )
    # When the leader publishes it: refused above the target, published at it
    try:
        services.post_publish(actor=org.leader, post=post)
    except ApplicationError as exc:
        assert exc.extra["target"] == target_groups
    post.refresh_from_db()
    assert (post.status == PostStatus.PUBLISHED) is published


# --- Who sees it -------------------------------------------------------------------------

# A published news post to all staff, written by communications. Who gets `readability` on
# the detail: those who manage the post, never its readers (even writers who only read it).
SEES_LIX = [
    ("employee", False),  # a reader
    ("leader", False),  # a writer, but not of this post: it only reads it
    ("hr", False),  # manages staff info pages only
    ("comms", True),  # communications manage every post
    ("admin", True),
]


@pytest.mark.parametrize(("who", "sees"), SEES_LIX, ids=[row[0] for row in SEES_LIX])
def test_only_those_who_manage_a_post_see_its_lix(org, api, who, sees):
    post = PostFactory(author=org.comms, title="Strategi", body=HARD_BODY)
    client = api(getattr(org, who))

    detail = client.get(f"/api/v1/posts/{post.pk}/")
    feed = client.get("/api/v1/feed/")

    assert detail.status_code == 200
    assert ("readability" in detail.json()) is sees
    if sees:
        assert detail.json()["readability"]["lix"] == 53
    [item] = feed.json()["results"]
    assert not {"lix", "summary_lix", "readability"} & set(item)


def test_the_author_sees_lix_on_its_own_post_and_in_its_list(org, api):
    post = PostFactory(
        author=org.leader,
        audience=AudienceSpec(units=[(org.unit_a, True)]),
        title="Strategi",
        body=HARD_BODY,
    )
    client = api(org.leader)
    assert client.get(f"/api/v1/posts/{post.pk}/").json()["readability"]["target"] == 40
    [row] = client.get("/api/v1/posts/").json()["results"]
    assert (row["lix"], row["lix_band"], row["summary_lix"]) == (53, "hard", None)


def test_the_draft_being_written_shows_its_lix(org, api):
    response = api(org.comms).post(
        "/api/v1/posts/",
        {"kind": "news", "title": "Vagtplan", "body": "Ny plan fra mandag.", "summary": ""},
        format="json",
    )
    assert response.status_code == 201
    readability = response.json()["readability"]
    # No audience yet: held to the all-staff target.
    assert (readability["lix"], readability["band"], readability["target"]) == (
        23,
        "very_easy",
        35,
    )


def test_the_admin_shows_lix_read_only(org):
    post = PostFactory(author=org.comms, title="Strategi", body=HARD_BODY, summary=PLAIN_SUMMARY)
    org.admin.is_staff = True
    org.admin.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(org.admin, backend="org.backends.ModelBackend")

    page = client.get(f"/admin/content/post/{post.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Tekst: 53 (svær) · kort fortalt: 14 (meget let) · mål: 35" in text
    assert 'name="lix"' not in text


def test_the_dashboard_reach_page_shows_lix_to_the_posts_manager(org):
    post = PostFactory(author=org.comms, title="Strategi", body=HARD_BODY)
    client = Client()
    client.force_login(org.comms, backend="org.backends.ModelBackend")
    page = client.get(f"/dashboard/raekkevidde/{post.pk}/")
    assert page.status_code == 200
    assert 'data-lix="53"' in page.content.decode()
