"""Danish onboarding demo: tracks for real frontline jobs and journeys at every stage.

Builds on the organisation demo (org.demo): people are found by role and unit names, never by
id. Everything goes through the services, and running it twice adds nothing the second time.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from content import services as content_services
from content.models import Post, PostKind, PostStatus
from org import services as org_services
from org.models import OrgUnit, Role, User

from . import services
from .models import Doer, Journey, JourneyStep, StepKind, StepStatus, Track, TrackKind
from .schedule import COPENHAGEN, local_today

BASE_TRACK = "Ny i Slagelse Kommune"
DEMO_DOMAIN = "demo.bro.dk"

KERNEFORTAELLING_PAGE = "Kernefortællingen: Storebæltsforbindelse til det gode liv"
TAVSHEDSPLIGT_PAGE = "Tavshedspligt og databeskyttelse"
MED_PAGE = "Sådan virker MED-systemet"

PAGES = {
    KERNEFORTAELLING_PAGE: (
        "Slagelse Byråd vedtog Kernefortællingen i 2021 som samlingspunkt for kommunens "
        "udvikling. Den fokuserer på tre styrkepositioner:\n\n"
        "- **Beliggenhed** – midt i landet, ved Storebælt\n"
        "- **Det gode liv** – natur, fællesskab og plads\n"
        "- **Uddannelse** – uddannelses- og karrieremuligheder\n\n"
        "Kernefortællingen skal styrke fællesskabet og skabe stolthed. Din faglighed og det "
        "tværfaglige samarbejde er også en del af den."
    ),
    TAVSHEDSPLIGT_PAGE: (
        "Som ansat i Slagelse Kommune har du tavshedspligt om borgernes private forhold – "
        "også efter du er stoppet. Del aldrig oplysninger eller billeder af borgere på sociale "
        "medier, og tal ikke om borgere, hvor andre kan høre det.\n\n"
        "Er du i tvivl, så spørg din leder."
    ),
    MED_PAGE: (
        "MED står for medindflydelse og medbestemmelse. I MED-udvalgene mødes ledere og "
        "medarbejdere og drøfter arbejdsmiljø, budget og forandringer. Din arbejdsmiljø- og "
        "tillidsrepræsentant er din indgang til MED."
    ),
}

KERNEFORTAELLING_QUIZ = [
    {
        "text": "Hvilke tre styrkepositioner nævner Kernefortællingen?",
        "options": [
            {"text": "Beliggenhed", "correct": True},
            {"text": "Det gode liv", "correct": True},
            {"text": "Uddannelse", "correct": True},
            {"text": "Turisme", "correct": False},
        ],
    },
    {
        "text": "Hvornår vedtog byrådet Kernefortællingen?",
        "options": [
            {"text": "2019", "correct": False},
            {"text": "2021", "correct": True},
            {"text": "2023", "correct": False},
        ],
    },
    {
        "text": "Hvad skal Kernefortællingen styrke internt?",
        "options": [
            {"text": "Fællesskabet og stoltheden", "correct": True},
            {"text": "Konkurrencen mellem afdelinger", "correct": False},
        ],
    },
    {
        "text": "Må du dele et billede af en borger på Facebook, hvis borgeren smiler?",
        "options": [
            {"text": "Ja", "correct": False},
            {"text": "Nej", "correct": True},
        ],
    },
    {
        "text": "Hvem er din indgang til MED-systemet?",
        "options": [
            {"text": "Arbejdsmiljø- og tillidsrepræsentanten", "correct": True},
            {"text": "Borgerservice", "correct": False},
        ],
    },
]


def _s(title, day, kind=StepKind.TASK, *, doer=Doer.NEW_HIRE, at=time(9, 0), body="", **kw):
    return {"title": title, "offset_days": day, "kind": kind, "doer": doer, "time_of_day": at,
            "body": body, **kw}  # fmt: skip


def _base_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s(
            "Velkomst fra direktøren",
            -14,
            StepKind.VIDEO,
            url="https://www.slagelse.dk/da/om-kommunen/",
            body="Kommunaldirektøren byder dig velkommen og fortæller, hvad vi står for.",
        ),
        _s("Opret dig i lønsystemet", -10, doer=Doer.HR, body="Kontrakt, skattekort og konto."),
        _s(
            "Læs om Kernefortællingen",
            -7,
            StepKind.READ,
            post_id=pages[KERNEFORTAELLING_PAGE].pk,
        ),
        _s(
            "Tavshedspligt",
            -3,
            StepKind.ACKNOWLEDGE,
            post_id=None,
            body="Jeg har læst om tavshedspligt og ved, at den også gælder efter ansættelsen.",
        ),
        _s(
            "IT og sikkerhed",
            0,
            StepKind.ACKNOWLEDGE,
            at=time(10, 0),
            body="Del aldrig din kode. Lås skærmen. Brug kun godkendte apps til borgerdata.",
        ),
        _s("Mød din leder", 0, StepKind.MEETING, at=time(8, 0), meet_with="leader"),
        _s("Mød din makker", 1, StepKind.MEETING, meet_with="buddy"),
        _s("Læs om MED-systemet", 14, StepKind.READ, post_id=pages[MED_PAGE].pk),
        _s(
            "Quiz om Kernefortællingen",
            21,
            StepKind.QUIZ,
            questions=KERNEFORTAELLING_QUIZ,
            requires=2,
        ),
        _s("Opfølgningssamtale med din leder", 30, StepKind.MEETING, meet_with="leader"),
        _s("Evaluering af din start", 90, doer=Doer.LEADER, at=time(13, 0)),
    ]


def _ssh_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s("Bestil nøglebrik og bil", -10, doer=Doer.LEADER),
        _s("Opret i vagtplanen", -7, doer=Doer.LEADER),
        _s(
            "Læs om tavshedspligt hos borgerne",
            -5,
            StepKind.READ,
            post_id=pages[TAVSHEDSPLIGT_PAGE].pk,
        ),
        _s("Hent uniform og sko", -1, at=time(14, 0), body="I depotet, Hjemmeplejens hus, kl. 14."),
        _s("Følgevagter med din makker", 1, StepKind.MEETING, at=time(7, 0), meet_with="buddy"),
        _s("Introduktion til Nexus og KMD Care", 2, body="Log ind på telefonen, se dine besøg."),
        _s("Forflytningskursus", 7, at=time(8, 30), body="Tekniske hjælpemidler og ergonomi."),
        _s("Førstehjælp", 14, at=time(8, 30), body="Et dagskursus med certifikat."),
        _s(
            "Hygiejne og smitteforebyggelse",
            21,
            StepKind.LINK,
            url="https://www.sst.dk/da/Viden/Smitsomme-sygdomme",
        ),
        _s("Første selvstændige rute", 28, doer=Doer.BUDDY, body="Makkeren følger op bagefter."),
    ]


def _paedagog_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s("Børneattest", -14, doer=Doer.HR, body="Indhent børneattest før første dag."),
        _s("Opret i Aula og Tabulex", -5, doer=Doer.LEADER),
        _s("Læs om tavshedspligt", -3, StepKind.READ, post_id=pages[TAVSHEDSPLIGT_PAGE].pk),
        _s("Rundvisning i huset", 0, StepKind.MEETING, at=time(8, 0), meet_with="leader"),
        _s("Mød din makker på stuen", 0, StepKind.MEETING, at=time(10, 0), meet_with="buddy"),
        _s("Læreplan og pædagogisk grundlag", 7, body="Læs institutionens læreplan."),
        _s("Førstehjælp til børn", 14, at=time(8, 30)),
        _s("Forældresamarbejde", 21, body="Deltag i et forældremøde sammen med din makker."),
        _s("Opfølgning med lederen", 30, StepKind.MEETING, meet_with="leader"),
    ]


def _kitchen_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s(
            "Hygiejnebevis",
            -7,
            StepKind.ACKNOWLEDGE,
            body="Jeg har et gyldigt hygiejnebevis og tager det med første dag.",
        ),
        _s("Nøglebrik og skab", -2, doer=Doer.LEADER),
        _s("Egenkontrol og temperaturlog", 1, StepKind.MEETING, meet_with="buddy"),
        _s("Allergener og diæter", 3, body="Gennemgå dagens diætliste med makkeren."),
        _s("Førstehjælp", 14, at=time(8, 30)),
    ]


def _cleaning_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s("Nøglebrik og alarmkode", -3, doer=Doer.LEADER),
        _s("Opret i vagtplanen", -3, doer=Doer.LEADER),
        _s(
            "Kemi og sikkerhedsdatablade",
            0,
            StepKind.ACKNOWLEDGE,
            at=time(7, 0),
            body="Jeg kender reglerne for rengøringsmidler og værnemidler.",
        ),
        _s("Ruten med din makker", 1, StepKind.MEETING, at=time(6, 30), meet_with="buddy"),
        _s("Ergonomi og arbejdsstillinger", 7),
    ]


def _offboarding_steps(pages: dict[str, Post]) -> list[dict]:
    return [
        _s("Fratrædelsessamtale", -14, StepKind.MEETING, meet_with="leader"),
        _s("Aflever nøglebrik, telefon og uniform", -1, doer=Doer.LEADER),
        _s("Luk adgange til IT-systemer", 0, doer=Doer.HR, at=time(15, 0)),
    ]


# (name, job titles in the audience, step builder, kind, auto-assign)
TRACKS = [
    (BASE_TRACK, None, _base_steps, TrackKind.ONBOARDING, True),
    ("Social- og sundhedshjælper i hjemmeplejen", ["Social- og sundhedshjælper"], _ssh_steps,
     TrackKind.ONBOARDING, True),
    ("Pædagog i dagtilbud", ["Pædagog", "Pædagogmedhjælper"], _paedagog_steps,
     TrackKind.ONBOARDING, True),
    ("Køkkenmedarbejder", ["Køkkenmedarbejder", "Kok"], _kitchen_steps, TrackKind.ONBOARDING,
     True),
    ("Rengøringsassistent", ["Rengøringsassistent"], _cleaning_steps, TrackKind.ONBOARDING, True),
    ("Farvel og tak", None, _offboarding_steps, TrackKind.OFFBOARDING, False),
]  # fmt: skip

DESCRIPTIONS = {
    BASE_TRACK: "Det alle nye i Slagelse Kommune gør: velkomst, Kernefortællingen, "
    "tavshedspligt, IT og sikkerhed, MED-systemet og de første samtaler.",
    "Farvel og tak": "Når en medarbejder stopper: samtale, aflevering og lukning af adgange.",
}

# (name, unit, job title, start in days from today, how far along)
HIRES = [
    ("Amalie Krogh", "Hjemmeplejen Syd", "Social- og sundhedshjælper", 5, "on_track"),
    ("Yusuf Demir", "Hjemmeplejen Korsør", "Social- og sundhedshjælper", -3, "on_track"),
    ("Katrine Lund", "Børnehuset Mælkebøtten", "Pædagog", -12, "behind"),
    ("Mikkel Friis", "Vuggestuen Solsikken", "Pædagogmedhjælper", -40, "on_track"),
    ("Hanne Bech", "Centralkøkkenet", "Køkkenmedarbejder", -20, "behind"),
    ("Oliver Dam", "Kommunal Rengøring", "Rengøringsassistent", -8, "on_track"),
    ("Lotte Winther", "Hjemmeplejen Nord", "Social- og sundhedshjælper", -100, "done"),
]


def build_demo(*, stdout) -> None:
    """Build the onboarding tracks and a dozen journeys at different stages."""
    hr = User.objects.filter(roles__role=Role.HR, is_active=True).order_by("id").first()
    if hr is None:
        stdout.write("Onboarding: ingen HR-medarbejder i organisationen; springer over.")
        return
    pages = {title: _page(hr=hr, title=title, body=body) for title, body in PAGES.items()}
    tracks = {}
    for name, job_titles, steps, kind, auto in TRACKS:
        tracks[name] = Track.objects.filter(name=name).first() or services.track_create(
            actor=hr,
            name=name,
            description=DESCRIPTIONS.get(name, f"Onboarding som {name.lower()}."),
            kind=kind,
            audience=org_services.audience_create(
                created_by=hr,
                name=f"Nyansatte: {name}",
                everyone=job_titles is None,
                job_titles=job_titles or (),
            ),
            auto_assign=auto,
            steps=steps(pages),
        )
    journeys = 0
    today = local_today()
    people = [(None, None, None, 14, "none"), *HIRES]
    for index, (name, unit_name, job_title, start_in, progress) in enumerate(people):
        hire = _hire(index=index, name=name, unit_name=unit_name, job_title=job_title,
                     start=today + timedelta(days=start_in))  # fmt: skip
        if hire is None:
            continue
        for track in _tracks_for(hire=hire, tracks=tracks):
            journey = Journey.objects.filter(user=hire, track=track).first()
            if journey is None:
                journey = services.journey_assign(
                    actor=hr, user=hire, track=track, buddy=_buddy(hire)
                )
                _progress(journey=journey, hr=hr, how=progress)
            journeys += 1
    stdout.write(
        f"Onboarding: {Track.objects.count()} forløb, {journeys} personers forløb "
        f"({Journey.objects.filter(status='completed').count()} gennemført)."
    )


def _page(*, hr: User, title: str, body: str) -> Post:
    """A published staff-info page a read step links to (found again by its title)."""
    existing = Post.objects.filter(kind=PostKind.PAGE, title=title).first()
    if existing is not None:
        return existing
    post = content_services.post_create(
        author=hr,
        kind=PostKind.PAGE,
        title=title,
        body=body,
        audience=content_services.AudienceSpec(everyone=True),
    )
    content_services.post_publish(actor=hr, post=post)
    return Post.objects.get(pk=post.pk, status=PostStatus.PUBLISHED)


def _hire(*, index: int, name, unit_name, job_title, start) -> User | None:
    """The demo's new hires: the org demo's pre-boarder first, then the ones made here."""
    if name is None:
        return User.objects.filter(employee_number="SK09999").first()
    number = f"SK-ONB-{index:02d}"
    existing = User.objects.filter(employee_number=number).first()
    if existing is not None:
        return existing
    unit = OrgUnit.objects.filter(name=unit_name).first()
    if unit is None:
        return None
    local = name.lower().replace(" ", ".").replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    return org_services.user_invite(
        invited_by=None,
        send_invitation=False,
        name=name,
        email=f"{local}@privat.{DEMO_DOMAIN}",
        employee_number=number,
        job_title=job_title,
        unit=unit,
        start_date=start,
    )


def _tracks_for(*, hire: User, tracks: dict[str, Track]) -> list[Track]:
    wanted = [tracks[BASE_TRACK]]
    for name, job_titles, *_rest in TRACKS:
        if job_titles and hire.job_title in job_titles:
            wanted.append(tracks[name])
    return wanted


def _buddy(hire: User) -> User | None:
    """An experienced colleague in the same unit, preferably with the same job."""
    colleagues = (
        User.objects.filter(unit=hire.unit_id, is_active=True, roles__role=Role.EMPLOYEE)
        .exclude(pk=hire.pk)
        .exclude(scopes__isnull=False)
        .exclude(employee_number__startswith="SK-ONB")
        .order_by("id")
    )
    return colleagues.filter(job_title=hire.job_title).first() or colleagues.first()


def _progress(*, journey: Journey, hr: User, how: str) -> None:
    """Complete the steps a person at this stage would have done, at realistic times."""
    now = timezone.now()
    if how == "none":
        return
    steps = list(
        JourneyStep.objects.filter(journey=journey, status=StepStatus.OPEN)
        .select_related("doer_user")
        .order_by("due_at", "position")
    )
    # "Behind": only the pre-boarding steps were done; everything from day 0 on is waiting.
    start = datetime.combine(journey.anchor_date, time(0), tzinfo=COPENHAGEN)
    horizon = min(start, now) if how == "behind" else now
    for step in steps:
        if how != "done" and step.due_at > horizon:
            continue
        doer = hr if step.doer == Doer.HR else step.doer_user
        if doer is None:
            services.journey_step_skip(actor=hr, step=step, reason="Ikke relevant i demoen.")
            continue
        answers = None
        if step.kind == StepKind.QUIZ:
            answers = {
                str(q["id"]): [o["id"] for o in q["options"] if o["correct"]] for q in step.quiz
            }
        # Done a few hours after it fell due (never in the future).
        done_at = min(step.due_at + timedelta(hours=3), now)
        services.journey_step_complete(actor=doer, step=step, answers=answers, now=done_at)


MOMENT_STEP_TITLE = "Se velkomstvideoen fra direktøren"
MOMENT_STEP_IN = timedelta(minutes=4)


def build_moments(*, stdout) -> None:
    """A step on the demo new hire's journey that falls due a few minutes after start, so the
    demo shows a reminder go out."""
    hr = User.objects.filter(roles__role=Role.HR, is_active=True).order_by("id").first()
    journey = Journey.objects.filter(user__employee_number="SK09999").order_by("pk").first()
    if hr is None or journey is None:
        return
    if JourneyStep.objects.filter(journey=journey, title=MOMENT_STEP_TITLE).exists():
        return
    due = timezone.localtime(timezone.now() + MOMENT_STEP_IN, COPENHAGEN)
    services.journey_step_add(
        actor=hr,
        journey=journey,
        title=MOMENT_STEP_TITLE,
        kind=StepKind.TASK,
        body="Fem minutter om kommunen og om det, vi er stolte af.",
        offset_days=(due.date() - journey.anchor_date).days,
        time_of_day=due.time().replace(second=0, microsecond=0),
    )
    stdout.write(f"  onboardingtrin forfalder kl. {due:%H:%M}: {MOMENT_STEP_TITLE}\n")
