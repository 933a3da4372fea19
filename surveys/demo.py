"""Danish demo data: six months of both template surveys across the demo organisation.

Built through the services (wave_open, response_submit, wave_close), idempotently: a survey is
found by its template title, a wave by its number, and a wave that has answers is not answered
again. Units differ in how they answer (a seeded "culture" per unit), and knowledge of
Kernefortællingen rises month by month, Uddannelse lagging behind the other pillars.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from org.models import Audience, Role, User
from org.services import audience_create

from . import services
from .demo_strategy import load_demo_strategy
from .models import Participation, QuestionKind, Recurrence, Survey, Wave
from .templates import INTERN_KOMMUNIKATION, KERNEFORTAELLING, TEMPLATES

MONTHS = 6
AUDIENCE_NAME = "Alle medarbejdere"
FREE_TEXTS = [
    "Flere korte tavlemøder, hvor vi deler det, vi har lært.",
    "Referater fra ledermøder bør komme ud samme uge.",
    "Det ville hjælpe at kende kollegerne i de andre afdelinger.",
    "Mere information om ændringer, før de sker.",
    "Appen er blevet et godt sted at finde nyheder.",
    "Vi mangler tid til at tale sammen på tværs af vagterne.",
    "Gode eksempler fra andre teams må gerne deles oftere.",
    "Tak for de korte videoer – de er nemme at se i pausen.",
]
# How much better than the start each pillar becomes known over six months.
PILLAR_GAIN = {"beliggenhed": 0.40, "det_gode_liv": 0.38, "uddannelse": 0.25, "": 0.35}


def _months_ago(months: int) -> datetime:
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    return services._add_months(today, -months)


def _survey(key: str, *, created_by: User | None, audience: Audience, stdout) -> Survey:
    title = str(TEMPLATES[key]["title"])
    survey = Survey.objects.filter(title=title).first()
    if survey is None:
        survey = services.survey_create_from_template(
            key=key, created_by=created_by, audience=audience, first_opens_at=_months_ago(MONTHS)
        )
        stdout.write(f"  undersøgelse: {title}\n")
    return survey


def _answers(survey: Survey, *, rng: random.Random, culture: float, progress: float) -> list:
    answers = []
    for question in survey.questions.all():
        options = list(question.options.all())
        match question.kind:
            case QuestionKind.KNOWLEDGE:
                known = 0.3 + PILLAR_GAIN[question.pillar] * progress + culture / 4
                correct = [o.pk for o in options if o.is_correct]
                wrong = [o.pk for o in options if not o.is_correct]
                if rng.random() < known:
                    chosen = correct
                elif len(correct) > 1:
                    chosen = [*rng.sample(correct, len(correct) - 1), rng.choice(wrong)]
                else:
                    chosen = [rng.choice(wrong)]
                answers.append({"question": question.pk, "options": chosen})
            case QuestionKind.LIKERT:
                mean = 3.1 + culture * 2 + 0.5 * progress
                value = round(rng.gauss(mean, 0.9))
                answers.append({"question": question.pk, "value": min(5, max(1, value))})
            case QuestionKind.SCALE:
                value = round(rng.gauss(6.8 + culture * 4 + progress, 1.8))
                answers.append({"question": question.pk, "value": min(10, max(0, value))})
            case QuestionKind.FREE_TEXT if rng.random() < 0.35:
                answers.append({"question": question.pk, "text": rng.choice(FREE_TEXTS)})
    return answers


def _answer_wave(wave: Wave, survey: Survey, *, progress: float, stdout) -> None:
    if Participation.objects.filter(wave=wave).exists():
        return
    survey = Survey.objects.prefetch_related("questions__options").get(pk=survey.pk)
    invitees = User.objects.filter(survey_invitations__wave=wave).order_by("pk")
    answered = 0
    for person in invitees.select_related("unit"):
        # Seeded by names, not ids: the same demo whatever ids the database hands out.
        unit_name = person.unit.name if person.unit else ""
        culture = random.Random(f"unit:{unit_name}").uniform(-0.25, 0.25)
        rng = random.Random(f"{survey.title}:{wave.number}:{person.name}")
        if rng.random() > 0.62 + culture / 2 + 0.15 * progress:
            continue  # did not answer this time
        moment = wave.opens_at + timedelta(hours=rng.uniform(1, 24 * 5))
        services.response_submit(
            wave=wave,
            user=person,
            answers=_answers(survey, rng=rng, culture=culture, progress=progress),
            now=min(moment, wave.closes_at - timedelta(minutes=1)),
        )
        answered += 1
    stdout.write(f"  {survey.title} #{wave.number}: {answered} svar\n")


def _run_waves(survey: Survey, numbers: list[int], *, stdout) -> None:
    now = timezone.now()
    for number in numbers:
        opens_at = services.wave_opens_at(survey=survey, number=number)
        if opens_at + timedelta(days=survey.open_days) > now:
            continue  # still running or in the future: beat opens it for real
        wave = services.wave_open(
            survey=survey, number=number, opens_at=opens_at, announce_it=False
        )
        progress = (number - 1) / max(1, numbers[-1] - 1)
        _answer_wave(wave, survey, progress=progress, stdout=stdout)
        if wave.status == Wave.Status.OPEN:
            services.wave_close(wave=wave)


def build_demo(*, stdout) -> None:
    """Both template surveys with six months of answered waves; safe to run again."""
    author = (
        User.objects.filter(is_active=True, roles__role=Role.COMMUNICATIONS).order_by("pk").first()
    )
    audience = Audience.objects.filter(name=AUDIENCE_NAME, everyone=True).first()
    if audience is None:
        audience = audience_create(created_by=author, name=AUDIENCE_NAME, everyone=True)
    stdout.write("Undersøgelser:\n")
    strategy = load_demo_strategy()
    stdout.write(f"  kommunikationsstrategi: {strategy.name}\n")
    pulse = _survey(KERNEFORTAELLING, created_by=author, audience=audience, stdout=stdout)
    internal = _survey(INTERN_KOMMUNIKATION, created_by=author, audience=audience, stdout=stdout)
    _run_waves(pulse, list(range(1, MONTHS + 1)), stdout=stdout)
    _run_waves(internal, [1, 2], stdout=stdout)


WEEKLY_TITLE = "Ugens puls"
WEEKLY_QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "Jeg ved, hvad der sker på min arbejdsplads."},
    {"kind": QuestionKind.SCALE, "text": "Hvor godt er din uge gået? (0–10)"},
    {"kind": QuestionKind.FREE_TEXT, "text": "Hvad skal vi tale om på næste tavlemøde?"},
]


def build_moments(*, stdout) -> None:
    """A short weekly pulse whose current wave is due now: the first beat tick opens it, so a
    demo employee finds a survey to answer right after start."""
    if Survey.objects.filter(title=WEEKLY_TITLE).exists():
        return
    author = (
        User.objects.filter(is_active=True, roles__role=Role.COMMUNICATIONS).order_by("pk").first()
    )
    audience = Audience.objects.filter(name=AUDIENCE_NAME, everyone=True).first()
    if author is None or audience is None:
        return
    services.survey_create(
        created_by=author,
        title=WEEKLY_TITLE,
        intro="Tre korte spørgsmål. Dine svar er anonyme.",
        audience=audience,
        recurrence=Recurrence.WEEKLY,
        first_opens_at=timezone.now() - timedelta(minutes=1),
        open_days=7,
        questions=WEEKLY_QUESTIONS,
    )
    stdout.write(f"  måling åbner ved første kørsel af de periodiske job: {WEEKLY_TITLE}\n")
