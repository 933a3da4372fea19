"""Reads of the push app, narrowed to what the caller may see."""

from datetime import datetime

import jwt
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from backend.errors import NotFoundError
from org.models import Role, User
from org.selectors import units_in_scope

from .models import Alert, AlertRecipient, Category, Channel, Delivery, Preference, Recipient


def preference_for(*, user: User) -> Preference:
    """The person's preferences; an unsaved default row when they never changed any."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def inbox(*, user: User, updated_since: datetime | None = None) -> QuerySet[Recipient]:
    """The person's notifications, newest first, with the notification joined."""
    items = Recipient.objects.filter(user=user).select_related("notification")
    if updated_since is not None:
        items = items.filter(created_at__gt=updated_since)
    return items.order_by("-created_at", "-id")


def _watches_everything(user: User) -> bool:
    return user.has_role(Role.COMMUNICATIONS, Role.ADMIN)


def alerts_visible(*, user: User) -> QuerySet[Alert]:
    """Alerts the person sent, received, or — as a leader — that reached their people.

    Communications and admins see every alert. Annotated with the person's own answer.
    """
    mine = AlertRecipient.objects.filter(alert=OuterRef("pk"), user=user)
    alerts = Alert.objects.select_related("sender").annotate(
        addressed_to_me=Exists(mine),
        # "" before I answer; the app's crisis screen shows until this is set.
        my_answer=Subquery(mine.values("answer")[:1]),
        my_answered_at=Subquery(mine.values("answered_at")[:1]),
    )
    if not _watches_everything(user):
        condition = Q(sender=user) | Q(addressed_to_me=True)
        if user.has_role(Role.LEADER):
            condition |= Exists(
                AlertRecipient.objects.filter(
                    alert=OuterRef("pk"), unit__in=units_in_scope(leader=user)
                )
            )
        alerts = alerts.filter(condition)
    return alerts.order_by("-sent_at", "-id")


def alert_visible(*, user: User, alert_id: int) -> Alert:
    """One alert of `alerts_visible`; any other answers 404."""
    alert = alerts_visible(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFoundError(_("Krisebeskeden findes ikke."))
    return alert


def alert_monitored(*, user: User, alert_id: int) -> Alert:
    """An alert whose roll-call the person may see: sender, communications, or a leader of
    some of its recipients; any other answers 404."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is not None and (
        alert.sender_id == user.pk
        or _watches_everything(user)
        or (user.has_role(Role.LEADER) and roll_call_people(alert=alert, viewer=user).exists())
    ):
        return alert
    raise NotFoundError(_("Krisebeskeden findes ikke."))


# The roll-call's people filters; call_list = not answered after the ladder's last step.
ROLL_CALL_FILTERS = {
    "not_answered": Q(answered_at__isnull=True),
    "need_help": Q(answer=AlertRecipient.Answer.NEED_HELP),
    "ok": Q(answer=AlertRecipient.Answer.OK),
    "acknowledged": Q(answer=AlertRecipient.Answer.ACKNOWLEDGED),
    "call_list": Q(answered_at__isnull=True, call_listed_at__isnull=False),
}


def roll_call_people(
    *, alert: Alert, viewer: User, status: str | None = None
) -> QuerySet[AlertRecipient]:
    """The alert's recipients the viewer may see: all for the sender and communications,
    the people of their units (as they were when it was sent) for a leader; by unit and name."""
    people = alert.recipients.select_related("user", "unit")
    if alert.sender_id != viewer.pk and not _watches_everything(viewer):
        people = people.filter(unit__in=units_in_scope(leader=viewer))
    if status:
        people = people.filter(ROLL_CALL_FILTERS[status])
    return people.order_by("unit__name", "user__name", "pk")


def roll_call_by_unit(*, alert: Alert, viewer: User):
    """Per unit: how many answered OK, need help, acknowledged, and have not answered."""
    return (
        roll_call_people(alert=alert, viewer=viewer)
        .values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            ok=Count("pk", filter=Q(answer=AlertRecipient.Answer.OK)),
            need_help=Count("pk", filter=Q(answer=AlertRecipient.Answer.NEED_HELP)),
            acknowledged=Count("pk", filter=Q(answer=AlertRecipient.Answer.ACKNOWLEDGED)),
            not_answered=Count("pk", filter=Q(answered_at__isnull=True)),
        )
        .order_by("unit__name", "unit_id")
    )


def sms_report_claims(signature: str) -> dict | None:
    """The claims of a delivery report's X-Gwapi-Signature JWT, if SMS_CALLBACK_SECRET signed it."""
    secret = settings.SMS_CALLBACK_SECRET
    if not secret or not signature:
        return None
    try:
        claims = jwt.decode(signature, secret, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def reach_conditions(*, data_key: str, object_id: int) -> dict:
    """Per-person conditions (on User, via OuterRef("pk")) for what announced one object.

    `data_key`/`object_id` name the object as the notifications carry it (post_id, wave_id).
    notified_<channel>: a delivery on that channel was written for the person; delivered: a
    real outcome — FCM or the SMTP server accepted it, or the SMS gateway reported it
    delivered to the phone; opened: the person opened the notification in the app's inbox.
    """
    about = {f"notification__data__{data_key}": str(object_id), "user_id": OuterRef("pk")}
    deliveries = Delivery.objects.filter(**about)
    conditions = {
        f"notified_{channel}": Exists(deliveries.filter(channel=channel))
        for channel in (Channel.PUSH, Channel.SMS, Channel.EMAIL)
    }
    conditions["delivered"] = Exists(
        deliveries.filter(
            Q(channel__in=[Channel.PUSH, Channel.EMAIL], status=Delivery.Status.SENT)
            | Q(channel=Channel.SMS, report_status__in=["DELIVERED", "ACCEPTED"])
        )
    )
    conditions["opened"] = Exists(Recipient.objects.filter(**about, opened_at__isnull=False))
    return conditions


def channel_rules() -> list[dict]:
    """Per category: the channels it may use, when SMS or e-mail step in, its SMS budget.

    Read from the settings (NOTIFY_CHANNEL_POLICY, the NOTIFY_*_FALLBACK switches, the crisis
    ladder's PUSH_ALERT_*_MINUTES, SMS_BUDGET_SEGMENTS), for the admin's read-only page.
    """
    on = {
        "must_read": settings.NOTIFY_MUST_READ_SMS_FALLBACK,
        "survey": settings.NOTIFY_SURVEY_SMS_FALLBACK,
        "onboarding": settings.NOTIFY_ONBOARDING_FALLBACK,
    }
    must_read = (
        _("Skal-læses: efter første påmindelse får personer uden aktiv enhed en SMS med link.")
        if on["must_read"]
        else _("Kun push.")
    )
    fallback = {
        Category.NEWS: must_read,
        Category.MINUTES: must_read,
        Category.EVENTS: must_read,
        Category.ONBOARDING: _("Nyansatte uden app får forfaldne trin som SMS, ellers som e-mail.")
        if on["onboarding"]
        else _("Kun push."),
        Category.SURVEYS: _("Personer uden aktiv enhed får invitationen som SMS med link.")
        if on["survey"]
        else _("Kun push."),
        Category.ALERTS: _(
            "Push; igen push efter %(repush)s min., SMS efter %(sms)s min., e-mail efter "
            "%(email)s min. og ringeliste til lederne efter %(call)s min. uden svar. "
            "Stille timer og fravalg gælder ikke."
        )
        % {
            "repush": settings.PUSH_ALERT_REPUSH_MINUTES,
            "sms": settings.PUSH_ALERT_SMS_MINUTES,
            "email": settings.PUSH_ALERT_EMAIL_MINUTES,
            "call": settings.PUSH_ALERT_CALL_LIST_MINUTES,
        },
        Category.SYSTEM: _("Push og e-mail til kommunikation."),
    }
    rules = []
    for category in Category:
        channels = settings.NOTIFY_CHANNEL_POLICY.get(category.value, (Channel.PUSH,))
        budget = settings.SMS_BUDGET_SEGMENTS.get(category.value)
        rules.append(
            {
                "category": category.label,
                "channels": ", ".join(str(Channel(c).label) for c in channels),
                "fallback": fallback[category],
                "sms_budget": _("Undtaget") if category == Category.ALERTS else budget or None,
            }
        )
    return rules
