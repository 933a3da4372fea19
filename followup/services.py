"""Writes for follow-ups: the leaders' tasks when a wave closes, their actions, publishing them
to the unit, and the standard question in the next wave. Each in a transaction."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, ConflictError, NotFoundError, validate_model
from content import services as content_services
from content.models import PostKind
from org.models import LeaderScope, User
from push import services as push_services
from push.models import Category
from surveys import services as survey_services
from surveys.models import Question, Survey, Wave, WaveUnit
from surveys.strategy import strategy_active

from . import selectors
from .models import Action, ActionStatus, FollowUp

ACTION_FIELDS = ("what", "who", "due_on", "status")


def _notify_assigned(*, followup: FollowUp) -> None:
    push_services.notification_send(
        category=Category.SURVEYS,
        recipients=User.objects.filter(pk=followup.leader_id),
        title=gettext_noop("I sagde – vi gjorde: %(survey)s"),
        body=gettext_noop(
            "Resultatet for %(unit)s er klar. Skriv, hvad I vil gøre, og del det med enheden."
        ),
        params={"survey": followup.wave.survey.title, "unit": followup.unit.name},
        data={"followup": str(followup.pk)},
        dedup_key=f"followup-{followup.pk}-assigned",
    )


@transaction.atomic
def followups_create(*, wave_id: int) -> list[FollowUp]:
    """Give each leader of a unit with a shown result of the closed wave a follow-up task.

    Run by followup.tasks once the wave's close has committed (surveys.hooks). The units are
    those the leader leads directly and that were in the wave's frozen tree; "shown" is what
    `survey_results` shows that leader for that unit. Again, it adds nothing.
    """
    wave = Wave.objects.select_related("survey").get(pk=wave_id)
    if wave.status != Wave.Status.CLOSED:
        return []
    closed_at = min(timezone.now(), wave.closes_at)
    scopes = (
        LeaderScope.objects.filter(
            unit_id__in=WaveUnit.objects.filter(wave=wave).values("unit_id"),
            leader__is_active=True,
        )
        .select_related("leader", "unit")
        .order_by("unit__path", "leader_id")
    )
    created = []
    for scope in scopes:
        if selectors.visible_result(leader=scope.leader, wave=wave, unit_id=scope.unit_id) is None:
            continue
        followup, is_new = FollowUp.objects.get_or_create(
            wave=wave, unit=scope.unit, leader=scope.leader, defaults={"closed_at": closed_at}
        )
        if is_new:
            _notify_assigned(followup=followup)
            created.append(followup)
    return created


def _check_leader(*, actor: User, followup: FollowUp) -> None:
    if actor.pk != followup.leader_id:
        raise NotFoundError(_("Opfølgningen findes ikke."))


def _clean_text(value: str, field: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [_("Skal udfyldes.")]
    return value


def _check_due(due_on: date, errors: dict) -> None:
    if due_on < timezone.localdate():
        errors["due_on"] = [_("Vælg en dato, der ikke er passeret.")]


@transaction.atomic
def action_create(
    *,
    actor: User,
    followup: FollowUp,
    what: str,
    who: str,
    due_on: date,
    question: int | None = None,
    indicator: str = "",
) -> Action:
    """Write one action (what, who, by when) about a question or an indicator of the result.

    Only a question or indicator whose result was shown to this leader for this unit may be
    referred to (refused with `result_not_shown`): an action says nothing the leader could
    not see.
    """
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("wave__survey")
        .get(pk=followup.pk)
    )
    _check_leader(actor=actor, followup=followup)
    errors: dict[str, list[str]] = {}
    what = _clean_text(what, "what", errors)
    who = _clean_text(who, "who", errors)
    _check_due(due_on, errors)
    if (question is None) == (not indicator):
        errors["question"] = [_("Vælg enten et spørgsmål eller en indikator.")]
    if errors:
        raise ApplicationError(_("Oplysningerne er ikke gyldige."), fields=errors)
    visible = selectors.visible_result(leader=actor, wave=followup.wave, unit_id=followup.unit_id)
    if question is not None and (visible is None or question not in visible.question_ids):
        raise ApplicationError(
            _("Du kan kun følge op på resultater, du har kunnet se for enheden."),
            code="result_not_shown",
            fields={"question": [_("Resultatet er ikke vist for enheden.")]},
        )
    if indicator and (visible is None or indicator not in visible.indicator_keys):
        raise ApplicationError(
            _("Du kan kun følge op på resultater, du har kunnet se for enheden."),
            code="result_not_shown",
            fields={"indicator": [_("Resultatet er ikke vist for enheden.")]},
        )
    action = Action(
        followup=followup,
        question=Question.objects.get(pk=question) if question is not None else None,
        indicator=indicator,
        what=what,
        who=who,
        due_on=due_on,
        author=actor,
    )
    validate_model(action)
    action.save()
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, **fields) -> Action:
    """Change an action's status (planned, in progress, done) or its what, who and date."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("followup").get(pk=action.pk)
    )
    _check_leader(actor=actor, followup=action.followup)
    errors: dict[str, list[str]] = {}
    for name in ("what", "who"):
        if name in fields:
            fields[name] = _clean_text(fields[name], name, errors)
    if "due_on" in fields and fields["due_on"] != action.due_on:
        _check_due(fields["due_on"], errors)
    if "status" in fields and fields["status"] not in ActionStatus.values:
        errors["status"] = [_("Ukendt status.")]
    if errors:
        raise ApplicationError(_("Oplysningerne er ikke gyldige."), fields=errors)
    for name, value in fields.items():
        setattr(action, name, value)
    validate_model(action)
    action.save()
    return action


@transaction.atomic
def action_delete(*, actor: User, action: Action) -> None:
    """Delete an action not yet shared with the unit; a shared one is kept (mark it done)."""
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("followup").get(pk=action.pk)
    )
    _check_leader(actor=actor, followup=action.followup)
    if action.published_at is not None:
        raise ConflictError(
            _("En delt handling kan ikke slettes. Opdatér dens status i stedet."),
            code="action_published",
        )
    action.delete()


def _post_body(actions: list[Action]) -> str:
    strategy = strategy_active()
    lines = [_("Tak for jeres svar. Det her gør vi nu:"), ""]
    for action in actions:
        lines.append(
            _("- **%(topic)s**: %(what)s (%(who)s, senest %(due)s)")
            % {
                "topic": selectors.topic_label(action, strategy=strategy),
                "what": action.what,
                "who": action.who,
                "due": action.due_on.strftime("%d.%m.%Y"),
            }
        )
    lines += ["", _("Du kan følge handlingerne og deres status i appen.")]
    return "\n".join(lines)


@transaction.atomic
def followup_publish(*, actor: User, followup: FollowUp) -> FollowUp:
    """Share the actions not yet shared with the unit: one post to the unit (and below) with a
    push, through content's services."""
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("wave__survey", "unit")
        .get(pk=followup.pk)
    )
    _check_leader(actor=actor, followup=followup)
    actions = list(
        Action.objects.filter(followup=followup, published_at__isnull=True)
        .select_related("question")
        .order_by("due_on", "pk")
    )
    if not actions:
        raise ConflictError(
            _("Skriv mindst én ny handling, før du deler."), code="nothing_to_publish"
        )
    post = content_services.post_create(
        author=actor,
        kind=PostKind.NEWS,
        title=_("I sagde – vi gjorde: %(survey)s") % {"survey": followup.wave.survey.title},
        body=_post_body(actions),
        audience=content_services.AudienceSpec(units=[(followup.unit, True)]),
    )
    post = content_services.post_publish(actor=actor, post=post)
    now = post.published_at
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(
        post=post, published_at=now, updated_at=now
    )
    if followup.first_published_at is None:
        followup.first_published_at = now
        followup.save(update_fields=["first_published_at"])
    return followup


def survey_followup_question_include(*, survey: Survey) -> Question:
    """Ask the standard follow-up question in the survey's next waves (surveys does it)."""
    return survey_services.survey_followup_question_include(survey=survey)
