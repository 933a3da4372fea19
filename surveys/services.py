"""Writes for pulse surveys: surveys and questions, waves, and submitted answers."""

import calendar
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, ConflictError, NotFoundError, validate_model
from org.models import Audience, OrgUnit, User
from org.selectors import audience_members, has_started_condition

from . import announce, hooks, tallies
from .models import (
    CHOICE_KINDS,
    CUSTOM,
    ENPS,
    VALUE_RANGES,
    Answer,
    AnswerChoice,
    Invitation,
    Option,
    Participation,
    Question,
    QuestionKind,
    Recurrence,
    Response,
    Survey,
    Wave,
    WaveUnit,
)
from .strategy import ActiveStrategy, strategy_active

logger = logging.getLogger("bro.surveys")

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

FREE_TEXT_MAX_CHARS = 2000
# The longest a wave may stay open per recurrence, so two waves of one survey never overlap.
_MAX_OPEN_DAYS = {
    Recurrence.ONCE: 90,
    Recurrence.WEEKLY: 7,
    Recurrence.BIWEEKLY: 14,
    Recurrence.MONTHLY: 28,
    Recurrence.QUARTERLY: 90,
}
# Reminders go out this long before a wave closes (or halfway, for shorter windows).
REMINDER_LEAD = timedelta(days=2)


# --- Surveys and questions ----------------------------------------------------------------


def _question_errors(spec: dict[str, Any], *, strategy: ActiveStrategy) -> list[str]:
    kind, options = spec.get("kind"), spec.get("options") or []
    errors = []
    if kind not in QuestionKind.values:
        return [_("Ukendt spørgsmålstype.")]
    if kind in CHOICE_KINDS and len(options) < 2:
        errors.append(_("Et valgspørgsmål skal have mindst to svarmuligheder."))
    if kind not in CHOICE_KINDS and options:
        errors.append(_("Kun valgspørgsmål har svarmuligheder."))
    correct = [o for o in options if o.get("is_correct")]
    if kind == QuestionKind.KNOWLEDGE and not correct:
        errors.append(_("Et videnspørgsmål skal have mindst ét korrekt svar."))
    if kind != QuestionKind.KNOWLEDGE and correct:
        errors.append(_("Kun videnspørgsmål har korrekte svar."))
    if spec.get("pillar") and kind != QuestionKind.KNOWLEDGE:
        errors.append(_("Kun videnspørgsmål kan høre til en søjle."))
    pillar = spec.get("pillar") or ""
    if pillar and pillar not in strategy.pillar_keys:
        errors.append(_("Søjlen findes ikke i kommunikationsstrategien."))
    indicator = spec.get("indicator") or ""
    if indicator and indicator not in {ENPS, CUSTOM, *strategy.goal_keys}:
        errors.append(_("Indikatoren er ikke et mål i kommunikationsstrategien."))
    if indicator == ENPS and kind != QuestionKind.SCALE:
        errors.append(_("eNPS beregnes af et spørgsmål på skalaen 0–10."))
    if indicator == CUSTOM and not (spec.get("custom_indicator") or "").strip():
        errors.append(_("Giv din egen indikator et navn."))
    if indicator != CUSTOM and (spec.get("custom_indicator") or "").strip():
        errors.append(_("Et navn på egen indikator kræver indikatoren 'Egen indikator'."))
    return errors


def _questions_replace(*, survey: Survey, questions: Sequence[dict[str, Any]]) -> None:
    """Give the survey exactly these questions, in this order. Refused once a wave has run."""
    if survey.pk and Wave.objects.filter(survey=survey).exists():
        raise ConflictError(
            _("Spørgsmålene kan ikke ændres, når undersøgelsen har kørt. Lav en kopi i stedet."),
            code="survey_has_waves",
        )
    tagged = any(spec.get("indicator") or spec.get("pillar") for spec in questions)
    strategy = strategy_active() if tagged else ActiveStrategy(None, [], [])
    errors = {
        str(i): e
        for i, spec in enumerate(questions)
        if (e := _question_errors(spec, strategy=strategy))
    }
    if errors:
        raise ApplicationError(
            _("Nogle spørgsmål er ikke udfyldt korrekt."), fields={"questions": errors}
        )
    Question.objects.filter(survey=survey).delete()
    for position, spec in enumerate(questions, start=1):
        question = Question(
            survey=survey,
            position=position,
            kind=spec["kind"],
            text=spec["text"].strip(),
            indicator=spec.get("indicator", ""),
            custom_indicator=(spec.get("custom_indicator") or "").strip(),
            pillar=spec.get("pillar", ""),
        )
        validate_model(question, validate_unique=False)
        question.save()
        Option.objects.bulk_create(
            [
                Option(
                    question=question,
                    position=number,
                    text=option["text"].strip(),
                    is_correct=bool(option.get("is_correct")),
                )
                for number, option in enumerate(spec.get("options") or [], start=1)
            ]
        )


# What survey_create and survey_update set besides the questions, in the admin's order.
SURVEY_FIELDS = (
    "title",
    "intro",
    "anonymous",
    "audience",
    "min_group_size",
    "min_free_text_group_size",
    "recurrence",
    "first_opens_at",
    "open_days",
    "ends_on",
    "is_active",
)


def _check_schedule(survey: Survey) -> None:
    if survey.open_days > _MAX_OPEN_DAYS[survey.recurrence]:
        raise ApplicationError(
            _("En runde kan højst være åben i %(days)s dage med denne gentagelse.")
            % {"days": _MAX_OPEN_DAYS[survey.recurrence]},
            fields={"open_days": [_("For mange dage.")]},
        )


@transaction.atomic
def survey_create(
    *,
    created_by: User | None,
    title: str,
    questions: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> Survey:
    """Make a survey with its questions (each: kind, text, indicator, pillar, options)."""
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    survey = Survey(created_by=created_by, title=title.strip(), **fields)
    validate_model(survey)
    _check_schedule(survey)
    survey.save()
    _questions_replace(survey=survey, questions=questions)
    return survey


@transaction.atomic
def survey_update(
    *, survey: Survey, questions: Sequence[dict[str, Any]] | None = None, **fields: Any
) -> Survey:
    """Change a survey; its questions only while no wave has run."""
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    for name, value in fields.items():
        setattr(survey, name, value)
    validate_model(survey)
    _check_schedule(survey)
    survey.save()
    if questions is not None:
        _questions_replace(survey=survey, questions=questions)
    return survey


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    """Delete a survey that has never run; one with waves keeps its history."""
    if Wave.objects.filter(survey=survey).exists():
        raise ConflictError(
            _("En undersøgelse, der har kørt, kan ikke slettes. Sæt den på pause i stedet."),
            code="survey_has_waves",
        )
    survey.delete()


def survey_questions_spec(*, survey: Survey) -> list[dict[str, Any]]:
    """The survey's questions in the shape survey_create takes (for copies and templates)."""
    return [
        {
            "kind": q.kind,
            "text": q.text,
            "indicator": q.indicator,
            "custom_indicator": q.custom_indicator,
            "pillar": q.pillar,
            "options": [{"text": o.text, "is_correct": o.is_correct} for o in q.options.all()],
        }
        for q in survey.questions.prefetch_related("options")
    ]


@transaction.atomic
def survey_create_from_template(
    *, key: str, created_by: User | None, audience: Audience | None = None, **fields: Any
) -> Survey:
    """Make a survey from one of the ready templates, worded from the active strategy."""
    from .templates import TEMPLATES, template_build

    if key not in TEMPLATES:
        raise NotFoundError(_("Skabelonen findes ikke."))
    template = template_build(key=key, strategy=strategy_active())
    values = {k: v for k, v in template.items() if k != "questions"}
    values.update(fields)
    return survey_create(
        created_by=created_by, audience=audience, questions=template["questions"], **values
    )


@transaction.atomic
def survey_followup_question_include(*, survey: Survey) -> Question:
    """Add the standard follow-up question to the survey's next waves; again, it does nothing.

    The one change to the questions of a survey that has run: appended last, so the waves
    already run keep every question they asked (they show no answers to it). Refused while a
    wave is open, whose invitees would find a question their colleagues were not asked.
    """
    from .templates import FOLLOWUP_INDICATOR, followup_question

    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    existing = Question.objects.filter(
        survey=survey, indicator=CUSTOM, custom_indicator=FOLLOWUP_INDICATOR
    ).first()
    if existing is not None:
        return existing
    if Wave.objects.filter(survey=survey, status=Wave.Status.OPEN).exists():
        raise ConflictError(
            _("Spørgsmålet kan først tilføjes, når den åbne runde er lukket."), code="wave_open"
        )
    spec = followup_question()
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question(
        survey=survey,
        position=(last or 0) + 1,
        kind=spec["kind"],
        text=spec["text"],
        indicator=spec["indicator"],
        custom_indicator=spec["custom_indicator"],
    )
    validate_model(question, validate_unique=False)
    question.save()
    return question


# --- Waves --------------------------------------------------------------------------------


def _add_months(moment: datetime, months: int) -> datetime:
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return timezone.make_aware(local.replace(tzinfo=None, year=year, month=month, day=day))


def wave_opens_at(*, survey: Survey, number: int) -> datetime:
    """When wave `number` (1-based) of the survey's schedule opens, in local calendar terms."""
    start, steps = survey.first_opens_at, number - 1
    match survey.recurrence:
        case Recurrence.WEEKLY:
            return start + timedelta(weeks=steps)
        case Recurrence.BIWEEKLY:
            return start + timedelta(weeks=2 * steps)
        case Recurrence.MONTHLY:
            return _add_months(start, steps)
        case Recurrence.QUARTERLY:
            return _add_months(start, 3 * steps)
    return start


@transaction.atomic
def wave_open(*, survey: Survey, number: int, opens_at: datetime, announce_it: bool = True) -> Wave:
    """Open a wave: freeze the audience, the unit tree and each invitee's unit; invite them.

    Idempotent: a wave that already exists with this number is returned unchanged.
    `announce_it=False` (demo back-fill of past waves) sends no invitations.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    existing = Wave.objects.filter(survey=survey, number=number).first()
    if existing is not None:
        return existing
    if survey.audience_id is None:
        raise ApplicationError(
            _("Vælg en målgruppe, før undersøgelsen kan åbne."), code="no_audience"
        )
    if not Question.objects.filter(survey=survey).exists():
        raise ApplicationError(_("Undersøgelsen har ingen spørgsmål."), code="no_questions")
    wave = Wave(
        survey=survey,
        number=number,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=survey.open_days),
        audience_id=survey.audience_id,
        anonymous=survey.anonymous,
        min_group_size=survey.min_group_size,
        min_free_text_group_size=survey.min_free_text_group_size,
    )
    validate_model(wave, validate_unique=False)
    wave.save()
    WaveUnit.objects.bulk_create(
        [
            WaveUnit(wave=wave, unit_id=pk, parent_id=parent_id, name=name, path=path)
            for pk, parent_id, name, path in OrgUnit.objects.values_list(
                "pk", "parent_id", "name", "path"
            )
        ],
        batch_size=1000,
    )
    # Only people who have started by the opening day (Copenhagen) are invited: a pre-boarder
    # cannot answer (the API fences them to their journey) and would only lower the rate.
    opening_day = timezone.localdate(opens_at, timezone=COPENHAGEN)
    members = list(
        audience_members(audience=survey.audience)
        .filter(has_started_condition(on=opening_day))
        .order_by("pk")
        .values_list("pk", "unit_id")
    )
    Invitation.objects.bulk_create(
        [Invitation(wave=wave, user_id=pk, unit_id=unit_id) for pk, unit_id in members],
        batch_size=1000,
    )
    Wave.objects.filter(pk=wave.pk).update(invited_count=len(members))
    wave.invited_count = len(members)
    if announce_it:
        # Inside the transaction: push writes its notifications with the wave, or not at all.
        announce.invite_to_wave(wave_id=wave.pk, user_ids=[pk for pk, _unit in members])
    return wave


def waves_open_due(*, now: datetime) -> list[int]:
    """Open every scheduled wave whose time has come and whose window is still open.

    After downtime only the latest due wave opens; missed windows are not replayed.
    """
    opened = []
    surveys = Survey.objects.filter(
        is_active=True, audience__isnull=False, first_opens_at__lte=now
    ).order_by("pk")
    for survey in surveys:
        last = Wave.objects.filter(survey=survey).order_by("-number").first()
        number = last.number + 1 if last else 1
        due = None
        while wave_opens_at(survey=survey, number=number) <= now:
            if survey.recurrence == Recurrence.ONCE and number > 1:
                break
            opens_at = wave_opens_at(survey=survey, number=number)
            if survey.ends_on and timezone.localdate(opens_at) > survey.ends_on:
                break
            due = (number, opens_at)
            number += 1
        if due and due[1] + timedelta(days=survey.open_days) > now:
            try:
                opened.append(wave_open(survey=survey, number=due[0], opens_at=due[1]).pk)
            except ApplicationError as exc:
                logger.warning("survey %s: wave not opened: %s", survey.pk, exc.message)
    return opened


def waves_close_due(*, now: datetime) -> int:
    """Close every open wave whose window has ended, counting its answers; returns how many.

    Also counts any wave found closed but not counted (closed by a release without tallies
    while this one was being deployed): until then its results are read from the answers.
    """
    due = Wave.objects.filter(status=Wave.Status.OPEN, closes_at__lte=now)
    closed = sum(
        _wave_close(wave_id=pk)[0] for pk in due.order_by("pk").values_list("pk", flat=True)
    )
    waves_tally_closed()
    return closed


def waves_tally_closed() -> int:
    """Count every closed wave that has no tallies yet; returns how many were counted."""
    untallied = Wave.objects.filter(status=Wave.Status.CLOSED, tallied=False)
    return sum(
        _wave_close(wave_id=pk)[1] for pk in untallied.order_by("pk").values_list("pk", flat=True)
    )


def wave_close(*, wave: Wave) -> Wave:
    """Close the wave and count its answers into the tallies, once; again, it does nothing."""
    _wave_close(wave_id=wave.pk)
    wave.status, wave.tallied = Wave.Status.CLOSED, True
    return wave


@transaction.atomic
def _wave_close(*, wave_id: int) -> tuple[bool, bool]:
    """Close and count one wave; whether this call closed it, and whether it counted it.

    FOR UPDATE waits for every submit in flight (each holds FOR KEY SHARE on the wave, see
    `_wave_status_for_answering`) and makes later ones see the wave closed, so no answer can
    land after its wave was counted.
    """
    wave = Wave.objects.select_for_update().get(pk=wave_id)
    if wave.tallied:
        return False, False
    tallies.wave_count(wave_id=wave_id)
    Wave.objects.filter(pk=wave_id).update(status=Wave.Status.CLOSED, tallied=True)
    closed_now = wave.status == Wave.Status.OPEN
    if closed_now:
        # After the commit: apps above react to a closed, counted wave, never to a rolled-back
        # one, and outside this lock, which every submit in flight waits for.
        transaction.on_commit(partial(hooks.wave_closed, wave_id=wave_id))
    return closed_now, True


def _reminder_due_at(wave: Wave) -> datetime:
    return wave.closes_at - min(REMINDER_LEAD, (wave.closes_at - wave.opens_at) / 2)


def waves_remind_due(*, now: datetime) -> list[int]:
    """Remind non-respondents of each open wave once, shortly before it closes."""
    reminded = []
    for wave in Wave.objects.filter(
        status=Wave.Status.OPEN, reminded_at__isnull=True, closes_at__gt=now
    ).order_by("pk"):
        if now >= _reminder_due_at(wave):
            with transaction.atomic():
                # Claim the reminder first: a second run (or beat firing twice) finds it taken.
                claimed = Wave.objects.filter(pk=wave.pk, reminded_at__isnull=True).update(
                    reminded_at=now
                )
                if not claimed:
                    continue
                user_ids = list(
                    Invitation.objects.filter(wave=wave, user__is_active=True)
                    .exclude(user__survey_participations__wave=wave)
                    .order_by("user_id")
                    .values_list("user_id", flat=True)
                )
                announce.remind_wave(wave_id=wave.pk, user_ids=user_ids)
            reminded.append(wave.pk)
    return reminded


# --- Answering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KnowledgeFeedback:
    question_id: int
    correct: bool
    correct_option_ids: list[int]


@dataclass(frozen=True)
class _Parsed:
    question: Question
    value: int | None = None
    is_correct: bool | None = None
    text: str = ""
    option_ids: tuple[int, ...] = ()


def _parse_one(question: Question, answer: dict[str, Any]) -> _Parsed:
    kind = question.kind
    value, option_ids, text = answer.get("value"), answer.get("options"), answer.get("text")
    if kind in VALUE_RANGES:
        low, high = VALUE_RANGES[kind]
        if option_ids is not None or text is not None:
            raise ApplicationError(_("Svar med et tal."))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ApplicationError(
                _("Vælg et tal fra %(low)s til %(high)s.") % {"low": low, "high": high}
            )
        return _Parsed(question, value=value)
    if kind == QuestionKind.FREE_TEXT:
        if value is not None or option_ids is not None:
            raise ApplicationError(_("Svar med tekst."))
        text = (text or "").strip()
        if len(text) > FREE_TEXT_MAX_CHARS:
            raise ApplicationError(
                _("Højst %(n)s tegn.") % {"n": FREE_TEXT_MAX_CHARS}, code="too_long"
            )
        return _Parsed(question, text=text)
    if value is not None or text is not None or not isinstance(option_ids, list):
        raise ApplicationError(_("Vælg mellem svarmulighederne."))
    valid = {o.pk: o for o in question.options.all()}
    chosen = tuple(dict.fromkeys(option_ids))
    if not chosen or len(chosen) != len(option_ids) or not set(chosen) <= set(valid):
        raise ApplicationError(_("Vælg mellem svarmulighederne, hver højst én gang."))
    if kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise ApplicationError(_("Vælg én svarmulighed."))
    is_correct = None
    if kind == QuestionKind.KNOWLEDGE:
        is_correct = set(chosen) == {pk for pk, o in valid.items() if o.is_correct}
    return _Parsed(question, is_correct=is_correct, option_ids=chosen)


def _parse_answers(questions: list[Question], answers: Iterable[dict[str, Any]]) -> list[_Parsed]:
    """Check every answer against its question's kind; all errors at once, per question id."""
    by_id = {q.pk: q for q in questions}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, _Parsed] = {}
    for answer in answers:
        question_id = answer.get("question")
        question = by_id.get(question_id)
        if question is None:
            errors[str(question_id)] = [_("Spørgsmålet hører ikke til undersøgelsen.")]
        elif question_id in parsed or str(question_id) in errors:
            errors[str(question_id)] = [_("Spørgsmålet er besvaret to gange.")]
        else:
            try:
                parsed[question_id] = _parse_one(question, answer)
            except ApplicationError as exc:
                errors[str(question_id)] = [exc.message]
    for question in questions:
        if question.kind != QuestionKind.FREE_TEXT and question.pk not in parsed:
            errors.setdefault(str(question.pk), [_("Besvar spørgsmålet.")])
    if errors:
        raise ApplicationError(
            _("Nogle svar mangler eller er ugyldige."),
            code="invalid_answers",
            fields={"answers": errors},
        )
    # An empty free-text answer is no answer: nothing is stored for it.
    return [
        parsed[q.pk]
        for q in questions
        if q.pk in parsed and (q.kind != QuestionKind.FREE_TEXT or parsed[q.pk].text)
    ]


@transaction.atomic
def response_submit(
    *, wave: Wave, user: User, answers: Iterable[dict[str, Any]], now: datetime | None = None
) -> list[KnowledgeFeedback]:
    """Store a person's answers to a wave, once; return the knowledge questions' right answers.

    The participation row (unique per wave and person) and the response are written in one
    transaction, so of two concurrent submits the database lets exactly one through.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.filter(wave=wave, user=user).values("unit_id").first()
    if invitation is None:
        raise NotFoundError(_("Findes ikke."))
    status = _wave_status_for_answering(wave_id=wave.pk)
    if status != Wave.Status.OPEN or not wave.opens_at <= now < wave.closes_at:
        raise ConflictError(_("Undersøgelsen er lukket for svar."), code="wave_closed")
    questions = list(
        Question.objects.filter(survey_id=wave.survey_id)
        .prefetch_related("options")
        .order_by("position")
    )
    parsed = _parse_answers(questions, answers)
    try:
        with transaction.atomic():
            Participation.objects.create(wave=wave, user=user)
    except IntegrityError as exc:
        raise ConflictError(_("Du har allerede svaret."), code="already_answered") from exc
    unit_id = invitation["unit_id"]
    response = Response.objects.create(
        wave=wave,
        unit_id=unit_id,
        submitted_on=timezone.localdate(now),
        respondent=None if wave.anonymous else user,
    )
    _answers_store(response=response, parsed=parsed)
    return [
        KnowledgeFeedback(
            question_id=p.question.pk,
            correct=bool(p.is_correct),
            correct_option_ids=[o.pk for o in p.question.options.all() if o.is_correct],
        )
        for p in parsed
        if p.question.kind == QuestionKind.KNOWLEDGE
    ]


def _wave_status_for_answering(*, wave_id: int) -> str:
    """The wave's status, locked until the submit commits so closing waits for it.

    PostgreSQL: FOR KEY SHARE, which submits share with one another but `_wave_close`'s FOR
    UPDATE waits for (and a submit arriving during a close waits, then reads "closed").
    SQLite runs one writer at a time, so a close cannot interleave with a submit there.
    """
    if connection.vendor != "postgresql":
        return Wave.objects.filter(pk=wave_id).values_list("status", flat=True).get()
    table = connection.ops.quote_name(Wave._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table} WHERE id = %s FOR KEY SHARE", [wave_id])
        return cursor.fetchone()[0]


def _answers_store(*, response: Response, parsed: list[_Parsed]) -> None:
    rows = Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=p.question,
                wave_id=response.wave_id,
                unit_id=response.unit_id,
                value=p.value,
                is_correct=p.is_correct,
                text=p.text,
            )
            for p in parsed
        ]
    )
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(
                answer=row,
                option_id=option_id,
                question_id=p.question.pk,
                wave_id=response.wave_id,
                unit_id=response.unit_id,
            )
            for row, p in zip(rows, parsed, strict=True)
            for option_id in p.option_ids
        ]
    )
