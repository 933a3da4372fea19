"""Crisis alerts: send, answer, and the escalation ladder for people who have not answered."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, NotFoundError, PermissionDeniedError, validate_model
from org.models import Audience, OrgUnit, Role, User
from org.selectors import audience_member_condition, units_in_scope, users_in_scope

from .models import Alert, AlertRecipient, Category, Channel
from .services import notification_send

logger = logging.getLogger("bro.push")

_UNSET = object()


def can_send_alerts(user: User) -> bool:
    return user.has_role(Role.COMMUNICATIONS, Role.ADMIN, Role.LEADER)


def _sees_everything(user: User) -> bool:
    return user.has_role(Role.COMMUNICATIONS, Role.ADMIN)


@transaction.atomic
def alert_send(
    *,
    sender: User,
    title: str,
    body: str,
    units: Iterable[OrgUnit] = (),
    audience: Audience | None = None,
    post_id: int | None = None,
    repush_after_minutes: int | object | None = _UNSET,
    sms_after_minutes: int | object | None = _UNSET,
    email_after_minutes: int | object | None = _UNSET,
    call_list_after_minutes: int | object | None = _UNSET,
) -> Alert:
    """Send a crisis alert to units (with everything below them) and/or an audience.

    Communications reach anyone; a leader only people in the units it leads (an audience is
    narrowed to them, a unit outside them is refused). Each ladder step defaults to its
    setting; None switches it off.
    """
    if not can_send_alerts(sender):
        raise PermissionDeniedError(_("Du kan ikke sende krisebeskeder."))
    units = list(units)
    if not units and audience is None:
        raise ApplicationError(
            _("Vælg hvem krisebeskeden skal til."),
            fields={"units": [_("Angiv enheder eller en målgruppe.")]},
        )
    everything = _sees_everything(sender)
    if not everything:
        allowed = set(units_in_scope(leader=sender).values_list("pk", flat=True))
        outside = [unit.pk for unit in units if unit.pk not in allowed]
        if outside:
            raise ApplicationError(
                _("Du kan kun sende til enheder, du er leder for."),
                fields={"units": [_("Ukendt enhed: %(ids)s") % {"ids": outside}]},
            )
    match = Q(pk__in=[])
    for unit in units:
        match |= Q(unit__path__startswith=unit.path)
    if audience is not None:
        match |= audience_member_condition(audience_ref=audience.pk)
    people = User.objects.filter(is_active=True).filter(match)
    if not everything:
        people = people.filter(pk__in=users_in_scope(leader=sender).values("pk"))

    def step(value, default):
        return default if value is _UNSET else value

    alert = Alert(
        sender=sender,
        title=title,
        body=body,
        post_id=post_id,
        repush_after_minutes=step(repush_after_minutes, settings.PUSH_ALERT_REPUSH_MINUTES),
        sms_after_minutes=step(sms_after_minutes, settings.PUSH_ALERT_SMS_MINUTES),
        email_after_minutes=step(email_after_minutes, settings.PUSH_ALERT_EMAIL_MINUTES),
        call_list_after_minutes=step(
            call_list_after_minutes, settings.PUSH_ALERT_CALL_LIST_MINUTES
        ),
        sent_at=timezone.now(),
    )
    validate_model(alert, exclude=["notification"])
    alert.save()
    members = list(people.values_list("pk", "unit_id").distinct())
    if not members:
        raise ApplicationError(_("Krisebeskeden når ingen."), code="no_recipients")
    AlertRecipient.objects.bulk_create(
        [AlertRecipient(alert=alert, user_id=pk, unit_id=unit_id) for pk, unit_id in members],
        batch_size=1000,
    )
    alert.notification = notification_send(
        category=Category.ALERTS,
        recipients=User.objects.filter(pk__in=[pk for pk, _unit in members]),
        title=gettext_noop("Krisebesked: %(title)s"),
        body="%(body)s",
        params={"title": title, "body": body},
        data=_alert_data(alert),
        dedup_key=f"alert:{alert.pk}",
    )
    alert.save(update_fields=["notification"])
    return alert


def _alert_data(alert: Alert) -> dict[str, str]:
    data = {"type": "alert", "alert_id": str(alert.pk)}
    if alert.post_id:
        data["post_id"] = str(alert.post_id)
    return data


def _leaders_of(unit_ids: Iterable[int]) -> "Q":
    """A condition on User: leads one of these units or a unit above them."""
    ancestors: set[int] = set()
    for unit in OrgUnit.objects.filter(pk__in=set(unit_ids)).only("path"):
        ancestors.update(unit.ancestor_ids)
    return Q(is_active=True, scopes__unit_id__in=ancestors)


@transaction.atomic
def alert_answer(*, user: User, alert_id: int, answer: str) -> AlertRecipient:
    """Record a person's answer; the ladder stops for them. "Needs help" alerts their leaders."""
    if answer not in AlertRecipient.Answer.values:
        raise ApplicationError(_("Ukendt svar."), fields={"answer": [_("Ukendt svar.")]})
    recipient = (
        # Only the person's own row: locking the joined alert too would queue every answer of
        # a stampede behind one shared row.
        AlertRecipient.objects.select_for_update(of=("self",))
        .select_related("alert")
        .filter(alert_id=alert_id, user=user)
        .first()
    )
    if recipient is None:
        raise NotFoundError(_("Krisebeskeden findes ikke."))
    if recipient.answer == answer:
        return recipient
    recipient.answer = answer
    recipient.answered_at = timezone.now()
    recipient.save(update_fields=["answer", "answered_at"])
    if answer == AlertRecipient.Answer.NEED_HELP:
        alert = recipient.alert
        helpers = User.objects.filter(
            Q(pk=alert.sender_id) | _leaders_of([recipient.unit_id] if recipient.unit_id else [])
        ).distinct()
        notification_send(
            category=Category.ALERTS,
            recipients=helpers,
            title=gettext_noop("%(name)s har brug for hjælp"),
            body=gettext_noop("Svar på krisebeskeden: %(title)s"),
            params={"name": user.name, "title": alert.title},
            data={**_alert_data(alert), "type": "alert_help", "user_id": str(user.pk)},
            dedup_key=f"alert:{alert.pk}:help:{user.pk}",
        )
    return recipient


# --- The ladder ----------------------------------------------------------------------------


def _repush(alert: Alert, targets: list[AlertRecipient]) -> None:
    notification_send(
        category=Category.ALERTS,
        recipients=User.objects.filter(pk__in=[t.user_id for t in targets]),
        title=gettext_noop("Påmindelse — krisebesked: %(title)s"),
        body="%(body)s",
        params={"title": alert.title, "body": alert.body},
        data=_alert_data(alert),
        dedup_key=f"alert:{alert.pk}:repush",
    )


def _sms(alert: Alert, targets: list[AlertRecipient]) -> None:
    # Through the pipeline: rows written here, sent after commit with retries, so a gateway
    # error never undoes the step for the people before it, nor holds up the next alert.
    notification_send(
        category=Category.ALERTS,
        recipients=User.objects.filter(pk__in=[t.user_id for t in targets]),
        title=gettext_noop("Krisebesked: %(title)s."),
        body=gettext_noop("Svar venligst i appen Bro, om du er OK."),
        params={"title": alert.title},
        data=_alert_data(alert),
        channels=(Channel.SMS,),
        dedup_key=f"alert:{alert.pk}:sms",
    )


def _email(alert: Alert, targets: list[AlertRecipient]) -> None:
    notification_send(
        category=Category.ALERTS,
        recipients=User.objects.filter(pk__in=[t.user_id for t in targets]),
        title=gettext_noop("Krisebesked: %(title)s"),
        body=gettext_noop(
            "%(body)s\n\nDu har ikke svaret endnu. Åbn appen Bro og svar, om du er OK."
        ),
        params={"title": alert.title, "body": alert.body},
        data=_alert_data(alert),
        channels=(Channel.EMAIL,),
        dedup_key=f"alert:{alert.pk}:email",
    )


def _call_list(alert: Alert, targets: list[AlertRecipient]) -> None:
    leaders = User.objects.filter(_leaders_of(t.unit_id for t in targets if t.unit_id)).distinct()
    notification_send(
        category=Category.ALERTS,
        recipients=leaders,
        title=gettext_noop("Ringeliste: %(title)s"),
        body=gettext_noop("Nogle af dine medarbejdere har ikke svaret. Se ringelisten i appen."),
        params={"title": alert.title},
        data={**_alert_data(alert), "type": "alert_call_list"},
        dedup_key=f"alert:{alert.pk}:call_list",
    )


LADDER = (
    ("repush_after_minutes", "repushed_at", _repush),
    ("sms_after_minutes", "sms_at", _sms),
    ("email_after_minutes", "emailed_at", _email),
    ("call_list_after_minutes", "call_listed_at", _call_list),
)


def alerts_escalate(*, now: datetime | None = None) -> None:
    """Take every due ladder step for every alert still escalating; one failing alert (its
    transaction rolled back, tried again on the next beat) never stops the others."""
    now = now or timezone.now()
    for alert_id in Alert.objects.filter(escalation_done_at__isnull=True).values_list(
        "pk", flat=True
    ):
        try:
            alert_escalate(alert_id=alert_id, now=now)
        except (DatabaseError, ApplicationError, ValueError):
            logger.exception("alert %s: escalation failed, tried again on the next beat", alert_id)


@transaction.atomic
def alert_escalate(*, alert_id: int, now: datetime) -> None:
    """Due steps for the people of one alert who have not answered; each step once per person.

    The alert row is locked, so two beat runs cannot take the same step twice. Each step only
    writes notification rows (sent after commit by the pipeline, with retries), so no gateway
    or SMTP call happens while the lock is held and none can roll a step back.
    """
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None or alert.escalation_done_at is not None:
        return
    steps_left = False
    for minutes_field, done_field, action in LADDER:
        minutes = getattr(alert, minutes_field)
        if minutes is None:
            continue
        if now < alert.sent_at + timedelta(minutes=minutes):
            steps_left = True
            continue
        targets = list(
            alert.recipients.filter(answered_at__isnull=True, **{f"{done_field}__isnull": True})
            .select_related("user")
            .order_by("pk")
        )
        if not targets:
            continue
        action(alert, targets)
        AlertRecipient.objects.filter(pk__in=[t.pk for t in targets]).update(**{done_field: now})
        logger.info("alert %s: %s for %d people", alert.pk, done_field, len(targets))
    if not steps_left or not alert.recipients.filter(answered_at__isnull=True).exists():
        alert.escalation_done_at = now
        alert.save(update_fields=["escalation_done_at"])
