"""Danish demo content on top of the demo organisation, through the services, idempotently.

A month of news, referater with decisions for several units, upcoming events with answers,
personaleinfo pages, and a must-read that part of its audience has acknowledged; posts in
English, Ukrainian and Arabic, and a SnakMed podcast episode. Each post is known by its title:
running the demo again adds nothing. Every post's LIX is computed on save (see the admin).
"""

import random
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from org import selectors as org_selectors
from org.models import LeaderScope, OrgUnit, Role, User

from . import services
from .models import Post, PostKind, RsvpAnswer
from .services import AudienceSpec, DecisionSpec

SEED = 2023

NEWS = [
    ("Velkommen til Bro – kommunens nye medarbejderapp",
     "Nu kan du læse nyheder, referater og personaleinfo på din telefon.",
     "Bro samler det, du skal vide som medarbejder, ét sted.\n\n"
     "- **Nyheder** fra din arbejdsplads og fra kommunen\n- **Referater** fra møder\n"
     "- **Personaleinfo**: ferie, sygemelding, kontakter\n\nGiv os gerne feedback."),
    ("Ny ordning for kørsel i egen bil", "Fra 1. januar registrerer du kørsel i appen.",
     "Kørselsgodtgørelse registreres fremover direkte i appen. Se vejledningen under "
     "personaleinfo."),
    ("Influenzavaccination til medarbejdere", "Gratis vaccination på rådhuset i uge 49.",
     "Alle medarbejdere kan blive vaccineret gratis. Mød op uden tidsbestilling "
     "**tirsdag og torsdag kl. 8-15**."),
    ("Slagelse Kommune vinder pris for grøn omstilling", "Kommunen får DI's klimapris.",
     "Prisen gives for arbejdet med elbiler i hjemmeplejen og solceller på skolerne."),
    ("Kernefortællingen: Det gode liv", "Hvad betyder 'det gode liv' i din hverdag?",
     "Kernefortællingen har tre styrker: **Beliggenhed**, **Det gode liv** og "
     "**Uddannelse**. Fortæl os, hvordan du ser dem i dit arbejde."),
    ("Nye lifte til plejecentrene", "Alle plejecentre får nye loftlifte inden jul.",
     "Lifte monteres i uge 48-50. Der er instruktion på hvert plejecenter."),
    ("MED-hovedudvalget har vedtaget ny trivselspolitik", "Politikken gælder fra 1. januar.",
     "Læs politikken under personaleinfo. Spørgsmål til din tillidsrepræsentant."),
    ("Vintervejret: husk skridsikre sko", "Kommunen betaler skridsikre sko til udeansatte.",
     "Bestil via din leder. Husk at melde glatte adgangsveje til Ejendomsservice."),
    ("Julegaver til alle medarbejdere", "Vælg din julegave i appen inden 10. december.",
     "Du kan vælge mellem tre gaver – eller donere beløbet til Julehjælpen."),
    ("Ny direktør for Børn og Unge", "Mette Holm tiltræder 1. februar.",
     "Mette kommer fra Næstved Kommune og har 15 års erfaring fra dagtilbud."),
    ("Kantinen holder lukket mellem jul og nytår", "Medbring egen mad 27.-31. december.", ""),
    ("Husk at opdatere din app", "Ny version med mørk tilstand og større skrift.",
     "Opdater via App Store eller Google Play."),
]  # fmt: skip

PAGES = [
    ("Ferie og fridage", "Sådan søger du ferie, og hvornår.",
     "## Ferieåret\n\nFerieåret går fra 1. september til 31. august.\n\n"
     "## Sådan søger du\n\n1. Tal med din leder\n2. Søg senest **1. marts** for sommerferie\n\n"
     "| Ferie | Frist |\n|:--|:--|\n| Sommerferie | 1. marts |\n| Vinterferie | 1. december |\n"),
    ("Sygemelding – sådan gør du", "Ring til din leder før vagtens start.",
     "## Første sygedag\n\nRing til din leder **senest en time før** vagten.\n\n"
     "## Længere sygdom\n\nEfter 14 dage holder I en sygefraværssamtale."),
    ("Kontakt HR og tillidsrepræsentanter", "Hvem du kan spørge om løn, ferie og arbejdsmiljø.",
     "- HR: [hr@slagelse.dk](mailto:hr@slagelse.dk), tlf. 58 57 36 00\n"
     "- Lønkontoret: [loen@slagelse.dk](mailto:loen@slagelse.dk)\n"
     "- Din tillidsrepræsentant findes i kollegalisten."),
    ("Kørsel i egen bil", "Regler og satser for kørselsgodtgørelse.",
     "Kørsel godtgøres efter statens takst. Registrér turen samme dag."),
]  # fmt: skip

MINUTES = [
    ("Hjemmeplejen Nord", "Personalemøde", 6,
     [("Ny vagtplan for december træder i kraft 1. december", 8),
      ("Alle tager e-læring i forflytning inden nytår", 30)]),
    ("Hjemmeplejen Nord", "MED-udvalg", 20,
     [("Trivselsmåling gennemføres i januar", 45)]),
    ("Centralkøkkenet", "Personalemøde", 12,
     [("Ny menuplan med flere grønne retter fra uge 2", 21),
      ("Temperaturlog føres digitalt", 10)]),
    ("Kommunal Rengøring", "Teammøde", 9,
     [("Nye mopper og klude bestilles til alle teams", 14)]),
    ("Børnehuset Mælkebøtten", "Personalemøde", 15,
     [("Forældremøde holdes 14. januar kl. 17", 40),
      ("Legepladsen efterses af Ejendomsservice", 7)]),
]  # fmt: skip

MUST_READ_TITLE = "Ny hygiejneinstruks: håndhygiejne og værnemidler"


def _stamp(days_ago: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _first_with_role(role: str) -> User:
    return User.objects.filter(is_active=True, roles__role=role).order_by("pk").first()


def _leader_of(unit: OrgUnit) -> User | None:
    scope = LeaderScope.objects.filter(unit=unit).select_related("leader").order_by("pk").first()
    return scope.leader if scope else None


def _make(*, author: User, title: str, published_days_ago: int | None = None, **fields) -> Post:
    """A post by title: made and imported as published when it is not there yet."""
    existing = Post.objects.filter(title=title).first()
    if existing:
        return existing
    post = services.post_create(author=author, title=title, **fields)
    if published_days_ago is not None:
        post = services.post_import_published(
            actor=author, post=post, published_at=_stamp(published_days_ago)
        )
    return post


def build_demo(*, stdout) -> None:
    """Build the demo content; assumes the demo organisation (org.demo) exists."""
    rng = random.Random(SEED)
    comms = _first_with_role(Role.COMMUNICATIONS)
    hr = _first_with_role(Role.HR)
    root = OrgUnit.objects.filter(parent=None).order_by("pk").first()
    if comms is None or hr is None or root is None:
        stdout.write("  content: demoorganisationen mangler – springer over.")
        return
    everyone = AudienceSpec(everyone=True)

    for i, (title, summary, body) in enumerate(NEWS):
        _make(author=comms, kind=PostKind.NEWS, title=title, summary=summary, body=body,
              audience=everyone, unit=root, published_days_ago=29 - i * 29 // len(NEWS),
              pinned=i == 0)  # fmt: skip

    for title, summary, body in PAGES:
        _make(author=hr, kind=PostKind.PAGE, title=title, summary=summary, body=body,
              audience=everyone, published_days_ago=30)  # fmt: skip

    for unit_name, meeting, days_ago, decisions in MINUTES:
        unit = OrgUnit.objects.filter(name=unit_name).first()
        leader = _leader_of(unit) if unit else None
        if leader is None:
            continue
        staff = list(User.objects.filter(unit=unit, is_active=True).order_by("pk")[:5])
        meeting_date = timezone.localdate() - timedelta(days=days_ago)
        _make(
            author=leader, kind=PostKind.MINUTES, unit=unit,
            title=f"Referat: {meeting}, {unit_name} {meeting_date:%d.%m.%Y}",
            meeting_name=meeting, meeting_date=meeting_date,
            summary=f"Det vigtigste fra {meeting.lower()} i {unit_name}.",
            body="## Deltagere\n\nLeder og medarbejdere\n\n## Punkter\n\n1. Nyt fra ledelsen\n"
                 "2. Arbejdsmiljø\n3. Eventuelt",
            audience=AudienceSpec(units=[(unit, True)]),
            decisions=[
                DecisionSpec(text=text, owner=rng.choice([*staff, leader]),
                             deadline=timezone.localdate() + timedelta(days=due))
                for text, due in decisions
            ],
            published_days_ago=days_ago - 1,
        )  # fmt: skip

    _events(comms=comms, root=root, rng=rng)
    _must_read(comms=comms, rng=rng)
    _versions(comms=comms)
    _episode(comms=comms, root=root)
    stdout.write(f"  content: {Post.objects.count()} opslag.")


def _events(*, comms: User, root: OrgUnit, rng: random.Random) -> None:
    today = timezone.localdate()
    specs = [
        ("Julefrokost for hele kommunen", "Idrætscentret, Slagelse", 21, 18, 6, None),
        ("Kursus i førstehjælp", "Rådhuset, mødelokale 2", 10, 9, 3, 12),
        ("Fællesmøde om Kernefortællingen", "Slagelse Musikhus", 30, 14, 2, 200),
    ]
    people = list(User.objects.filter(is_active=True).order_by("pk")[:60])
    for title, place, in_days, hour, hours, capacity in specs:
        if Post.objects.filter(title=title).exists():
            continue
        starts = timezone.make_aware(datetime.combine(today + timedelta(days=in_days),
                                                      time(hour, 0)))  # fmt: skip
        post = services.post_create(
            author=comms, kind=PostKind.EVENT, title=title, place=place, unit=root,
            starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity,
            summary=f"{place}, {starts:%d.%m.%Y kl. %H:%M}. Tilmeld dig i appen.",
            body="Vi glæder os til at se dig.", audience=AudienceSpec(everyone=True),
        )  # fmt: skip
        services.post_publish(actor=comms, post=post)
        for person in rng.sample(people, min(len(people), 20)):
            answer = rng.choice([RsvpAnswer.YES, RsvpAnswer.YES, RsvpAnswer.MAYBE, RsvpAnswer.NO])
            services.event_rsvp(post=post, user=person, answer=answer)


def _must_read(*, comms: User, rng: random.Random) -> None:
    if Post.objects.filter(title=MUST_READ_TITLE).exists():
        return
    area = (
        OrgUnit.objects.filter(name="Ældre og Sundhed").first()
        or OrgUnit.objects.filter(parent=None).first()
    )
    post = services.post_create(
        author=comms, kind=PostKind.NEWS, title=MUST_READ_TITLE, requires_acknowledgement=True,
        summary="Læs instruksen og bekræft med 'læst og forstået'.",
        body="## Håndhygiejne\n\nSprit hænder af **før og efter** hvert besøg.\n\n"
             "## Værnemidler\n\n- Handsker ved kontakt med kropsvæsker\n- Forklæde ved bad",
        audience=AudienceSpec(units=[(area, True)]), pinned=True,
    )  # fmt: skip
    post = services.post_import_published(actor=comms, post=post, published_at=_stamp(3))
    members = list(org_selectors.audience_members(audience=post.audience).order_by("pk"))
    rng.shuffle(members)
    acknowledged = members[: len(members) * 3 // 5]
    only_read = members[len(acknowledged) : len(acknowledged) + len(members) // 5]
    for person in acknowledged:
        services.post_acknowledge(post=post, user=person)
    for person in only_read:
        services.post_read_record(post=post, user=person)


# Versions by title of the Danish original: (language, title, kort fortalt, body). Written by
# hand for the demo, as a person would write or paste them; approved.
VERSIONS = {
    NEWS[0][0]: [
        ("en", "Welcome to Bro – the municipality's new staff app",
         "Read news, minutes and staff information on your phone.",
         "Bro gathers what you need to know as an employee in one place.\n\n"
         "- **News** from your workplace and the municipality\n- **Minutes** from meetings\n"
         "- **Staff information**: holidays, sick leave, contacts\n\nWe welcome your feedback."),
        ("uk", "Ласкаво просимо до Bro – нового застосунку для працівників",
         "Читайте новини, протоколи та інформацію для персоналу на телефоні.",
         "Bro збирає в одному місці все, що вам потрібно знати як працівнику."),
    ],
    MUST_READ_TITLE: [
        ("en", "New hygiene instructions: hand hygiene and protective equipment",
         "Read the instructions and confirm with 'read and understood'.",
         "## Hand hygiene\n\nDisinfect your hands **before and after** every visit.\n\n"
         "## Protective equipment\n\n- Gloves when touching body fluids\n- Apron when bathing"),
        ("ar", "تعليمات النظافة الجديدة: نظافة اليدين ومعدات الحماية",
         "اقرأ التعليمات وأكّد بـ «قرأت وفهمت».",
         "## نظافة اليدين\n\nعقّم يديك **قبل وبعد** كل زيارة.\n\n"
         "## معدات الحماية\n\n- قفازات عند ملامسة سوائل الجسم\n- مريلة عند الاستحمام"),
    ],
}  # fmt: skip

EPISODE_TITLE = "SnakMed #1: Nattevagt i hjemmeplejen"


def _versions(*, comms: User) -> None:
    for original_title, versions in VERSIONS.items():
        post = Post.objects.filter(title=original_title).first()
        if post is None:
            continue
        for language, title, summary, body in versions:
            if post.versions.filter(language=language).exists():
                continue
            version = services.post_version_save(
                actor=comms, post=post, language=language, title=title, summary=summary, body=body
            )
            services.post_version_approve(actor=comms, version=version)


def silent_mp3(seconds: int) -> bytes:
    """A silent MP3: MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 417 bytes, 26.1 ms each)."""
    frames = round(seconds * 44100 / 1152)
    return (bytes([0xFF, 0xFB, 0x90, 0x00]) + bytes(413)) * frames


def _episode(*, comms: User, root: OrgUnit) -> None:
    """SnakMed episode 1; its sound is a placeholder of silence (the demo ships no recording)."""
    if Post.objects.filter(title=EPISODE_TITLE).exists():
        return
    post = services.post_create(
        author=comms, kind=PostKind.NEWS, title=EPISODE_TITLE, unit=root,
        podcast="SnakMed", episode_number=1,
        summary="To kolleger fortæller om en nat på arbejde. Lyt med i 10 minutter.",
        body="Hvordan er det at køre nattevagt? Lone og Ahmed fortæller om stille veje, "
             "travle nætter og de borgere, der venter på dem.",
        audience=AudienceSpec(everyone=True),
    )  # fmt: skip
    services.attachment_add(
        actor=comms,
        post=post,
        upload=SimpleUploadedFile("snakmed-1.mp3", silent_mp3(10), content_type="audio/mpeg"),
    )
    services.post_import_published(actor=comms, post=post, published_at=_stamp(2))


SCHEDULED_TITLE = "Sådan bruger du Bro – kort fortalt"
SCHEDULED_IN = timedelta(minutes=3)


def build_moments(*, stdout) -> None:
    """A news post scheduled a few minutes ahead, so the demo shows publishing happen."""
    comms = _first_with_role(Role.COMMUNICATIONS)
    if comms is None or Post.objects.filter(title=SCHEDULED_TITLE).exists():
        return
    post = services.post_create(
        author=comms, kind=PostKind.NEWS, title=SCHEDULED_TITLE,
        summary="Tre ting, du kan i appen – udgives af sig selv få minutter efter start.",
        body="1. Læs nyheder og referater.\n2. Svar på ugens puls.\n"
             "3. Slå stille timer til under din profil.",
        audience=AudienceSpec(everyone=True),
    )  # fmt: skip
    publish_at = timezone.now() + SCHEDULED_IN
    services.post_publish(actor=comms, post=post, publish_at=publish_at)
    stdout.write(
        f"  planlagt opslag udgives kl. {timezone.localtime(publish_at):%H:%M}: {SCHEDULED_TITLE}\n"
    )
