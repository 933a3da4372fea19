"""Writes for the way up ("og omvendt"): questions and feedback, answers, the FAQ going down.

A question lands with the asker's own leader (the task holder of the asker's unit in the
cascade). That leader answers it locally or sends it one level up with a comment; past the top
task it is communications' to answer, group, and publish back down the cascade as a FAQ item.
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from org.models import OrgUnit, Role, User
from push import services as push_services
from push.models import Category

from .models import Cascade, FaqItem, Question, QuestionHop, Task

# Questions one person may send up one cascade in a day (named and anonymous together): enough
# for a real conversation, too few to flood a leader or to guess someone by volume.
QUESTIONS_PER_DAY = 5
TEXT_MAX = 2000


def _rate_key(*, person: User, cascade: Cascade, day: str) -> str:
    """The cache key counting one person's questions on one cascade on one day.

    Why this does not identify the asker of an anonymous question: the key is an HMAC under the
    server's secret of (person, cascade, day), so it is not the id nor reversible without the
    secret; it holds only a count, never a question id; nothing in the database refers to it;
    and it expires at the end of the day. Someone holding both the secret and the cache could
    at most learn that a person asked something on that cascade today — not which question.
    """
    digest = salted_hmac(
        "cascade.questions.rate", f"{person.pk}:{cascade.pk}:{day}", algorithm="sha256"
    ).hexdigest()
    return f"cascade-question-rate:{digest}"


def _take_rate(*, person: User, cascade: Cascade, now: datetime) -> None:
    local = timezone.localtime(now)
    key = _rate_key(person=person, cascade=cascade, day=local.date().isoformat())
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    cache.add(key, 0, timeout=max(int((midnight - local).total_seconds()), 1))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: start the day again
        cache.set(key, 1, timeout=60)
        count = 1
    if count > QUESTIONS_PER_DAY:
        raise ApplicationError(
            _("Du har sendt %(n)s spørgsmål til denne kaskade i dag. Prøv igen i morgen.")
            % {"n": QUESTIONS_PER_DAY},
            code="question_rate_limited",
        )


def _task_of_person(*, cascade: Cascade, person: User) -> Task:
    """The task of the person's unit, or of the nearest unit above it the cascade reaches."""
    if person.unit_id is None:
        raise NotFoundError(_("Kaskaden findes ikke."))
    task = (
        Task.objects.filter(cascade=cascade, unit_id__in=person.unit.ancestor_ids)
        .select_related("unit", "parent")
        .order_by("-unit__depth")
        .first()
    )
    if task is None:
        raise NotFoundError(_("Kaskaden findes ikke."))
    return task


def _nearest_led(task: Task | None) -> Task | None:
    """The task itself if someone holds it, else the nearest one above that has (None: top).

    A unit without a leader cannot answer: the question goes on to the leader above.
    """
    while task is not None and task.leader_id is None and task.deputy_id is None:
        task = task.parent
    return task


def _holder_notify(*, question: Question, task: Task | None) -> None:
    """Tell the leader (or deputy) now holding the question, or communications at the top.

    The notification names the cascade and the unit, never the asker.
    """
    if task is None:
        recipients = User.objects.filter(roles__role=Role.COMMUNICATIONS, is_active=True)
    else:
        doer = task.deputy_id or task.leader_id
        if doer is None:
            return
        recipients = User.objects.filter(pk=doer)
    push_services.notification_send(
        category=Category.NEWS,
        recipients=recipients,
        title=gettext_noop("Nyt spørgsmål: %(title)s"),
        body=gettext_noop("Et spørgsmål fra %(unit)s venter på svar."),
        params={"title": question.cascade.title, "unit": question.origin.unit.name},
        data={"cascade": str(question.cascade_id), "question": str(question.pk)},
    )


def _arrive(*, question: Question, task: Task | None, by: User | None, comment: str) -> None:
    question.holder = task
    question.at_top = task is None
    QuestionHop.objects.create(
        question=question,
        task=task,
        comment=comment,
        forwarded_by=by,
        arrived_on=timezone.localdate(),
    )
    _holder_notify(question=question, task=task)


@transaction.atomic
def question_ask(
    *, actor: User, cascade: Cascade, text: str, anonymous: bool, kind: str = Question.Kind.QUESTION
) -> Question:
    """Send a question up from the actor's unit; anonymous ones keep no trace of the actor."""
    if not text.strip():
        raise ApplicationError(
            _("Oplysningerne er ikke gyldige."), fields={"text": [_("Skal udfyldes.")]}
        )
    origin = _task_of_person(cascade=cascade, person=actor)
    _take_rate(person=actor, cascade=cascade, now=timezone.now())
    # A leader asking about their own step asks their own leader: the task above.
    first = origin.parent if actor.pk in {origin.leader_id, origin.deputy_id} else origin
    first = _nearest_led(first)
    question = Question(
        cascade=cascade,
        origin=origin,
        kind=kind,
        text=text.strip(),
        anonymous=anonymous,
        asker=None if anonymous else actor,
        asked_on=timezone.localdate(),
    )
    question.full_clean(exclude=["holder", "origin", "cascade", "asker", "answered_by"])
    question.save()
    _arrive(question=question, task=first, by=None, comment="")
    question.save(update_fields=["holder", "at_top"])
    return question


def require_holder(*, actor: User, question: Question) -> None:
    """Only the one the question is with acts on it: the step's leader or deputy, or, at the
    top, communications."""
    if question.at_top:
        allowed = actor.has_role(Role.COMMUNICATIONS, Role.ADMIN)
    else:
        allowed = actor.pk in {question.holder.leader_id, question.holder.deputy_id}
    if not allowed:
        raise PermissionDeniedError(
            _("Spørgsmålet ligger ikke hos dig."), code="question_not_yours"
        )


def require_topic_setter(*, actor: User, question: Question) -> None:
    """Topics are communications' grouping of the questions that reached the top."""
    if not question.at_top:
        raise PermissionDeniedError(
            _("Kun spørgsmål hos kommunikation får et emne."), code="question_not_at_top"
        )
    require_holder(actor=actor, question=question)


def require_faq_publisher(*, actor: User) -> None:
    if not actor.has_role(Role.COMMUNICATIONS, Role.ADMIN):
        raise PermissionDeniedError(
            _("Kun kommunikation udgiver spørgsmål og svar."), code="faq_not_allowed"
        )


def _lock_held(*, actor: User, question: Question) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("cascade", "origin__unit", "holder__parent", "holder__unit")
        .get(pk=question.pk)
    )
    require_holder(actor=actor, question=question)
    if question.answered_at is not None:
        raise ConflictError(_("Spørgsmålet er allerede besvaret."), code="question_answered")
    return question


@transaction.atomic
def question_forward(*, actor: User, question: Question, comment: str = "") -> Question:
    """Send the question one level up with the leader's comment (past the top: communications)."""
    question = _lock_held(actor=actor, question=question)
    if question.at_top:
        raise ConflictError(_("Spørgsmålet er allerede hos kommunikation."), code="question_at_top")
    above = _nearest_led(question.holder.parent)
    _arrive(question=question, task=above, by=actor, comment=comment.strip())
    question.save(update_fields=["holder", "at_top"])
    return question


@transaction.atomic
def question_answer(
    *, actor: User, question: Question, answer: str, visibility: str = Question.Visibility.ASKER
) -> Question:
    """Answer where the question is; a named asker is told. Anonymous answers go to the unit."""
    question = _lock_held(actor=actor, question=question)
    if not answer.strip():
        raise ApplicationError(
            _("Oplysningerne er ikke gyldige."), fields={"answer": [_("Skal udfyldes.")]}
        )
    if question.anonymous and visibility == Question.Visibility.ASKER:
        raise ApplicationError(
            _("Et anonymt spørgsmål kan kun besvares til hele enheden."),
            code="anonymous_answer_to_unit",
            fields={"visibility": [_("Vælg hele enheden.")]},
        )
    question.answer = answer.strip()
    question.answer_visibility = visibility
    question.answered_at = timezone.now()
    question.answered_by = actor
    question.save(update_fields=["answer", "answer_visibility", "answered_at", "answered_by"])
    if question.asker_id is not None:
        push_services.notification_send(
            category=Category.NEWS,
            recipients=User.objects.filter(pk=question.asker_id, is_active=True),
            title=gettext_noop("Dit spørgsmål er besvaret: %(title)s"),
            body=gettext_noop("Læs svaret i kaskaden."),
            params={"title": question.cascade.title},
            data={"cascade": str(question.cascade_id), "question": str(question.pk)},
            dedup_key=f"cascade-question-{question.pk}-answered",
        )
    return question


@transaction.atomic
def question_group(*, actor: User, question: Question, topic: str) -> Question:
    """Communications files a question at the top under a topic of its choosing."""
    require_topic_setter(actor=actor, question=question)
    question.topic = topic.strip()
    question.save(update_fields=["topic"])
    return question


def _cascade_people(cascade: Cascade) -> Q:
    """Everyone the cascade reaches: its task holders and the people of its units."""
    tasks = Task.objects.filter(cascade=cascade)
    unit_ids = list(tasks.values_list("unit_id", flat=True))
    deepest = list(tasks.filter(children__isnull=True).values_list("unit__path", flat=True))
    below = Q()
    for path in deepest:  # people in units under the last level get it from their team
        below |= Q(path__startswith=path)
    return (
        Q(unit_id__in=unit_ids)
        | Q(unit__in=OrgUnit.objects.filter(below) if deepest else OrgUnit.objects.none())
        | Q(pk__in=tasks.exclude(leader=None).values("leader_id"))
        | Q(pk__in=tasks.exclude(deputy=None).values("deputy_id"))
    )


@transaction.atomic
def faq_publish(
    *,
    actor: User,
    cascade: Cascade,
    question_text: str,
    answer: str,
    question: Question | None = None,
) -> FaqItem:
    """Publish a question and its answer down the whole cascade: every level receives it."""
    require_faq_publisher(actor=actor)
    errors = {}
    if not question_text.strip():
        errors["question_text"] = [_("Skal udfyldes.")]
    if not answer.strip():
        errors["answer"] = [_("Skal udfyldes.")]
    if question is not None and (question.cascade_id != cascade.pk or not question.at_top):
        errors["question"] = [_("Spørgsmålet er ikke nået op til kommunikation i denne kaskade.")]
    if errors:
        raise ApplicationError(_("Oplysningerne er ikke gyldige."), fields=errors)
    item = FaqItem.objects.create(
        cascade=cascade,
        question=question,
        question_text=question_text.strip(),
        answer=answer.strip(),
        published_at=timezone.now(),
        published_by=actor,
    )
    push_services.notification_send(
        category=Category.NEWS,
        recipients=User.objects.filter(_cascade_people(cascade), is_active=True).distinct(),
        title=gettext_noop("Spørgsmål og svar: %(title)s"),
        body=gettext_noop("Nyt svar i kaskaden: %(question)s"),
        params={"title": cascade.title, "question": item.question_text[:120]},
        data={"cascade": str(cascade.pk), "faq": str(item.pk)},
        dedup_key=f"cascade-faq-{item.pk}",
    )
    return item
