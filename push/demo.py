"""Danish demo data for push, built through the services; running it twice adds nothing."""

from datetime import time

from django.db import transaction
from django.utils.translation import gettext_noop

from org.models import OrgUnit, Role, User

from . import alerts, services
from .models import Alert, AlertRecipient, Device

DRILL_TITLE = "Øvelse: brandalarm"


def build_demo(*, stdout) -> None:
    """Devices for some employees, quiet hours for one, a welcome notice and a drill alert."""
    people = list(
        User.objects.filter(is_active=True, roles__role=Role.EMPLOYEE)
        .exclude(unit=None)
        .order_by("pk")[:20]
    )
    if not people:
        stdout.write("push: no employees in the org demo, nothing to do")
        return
    for person in people:
        services.device_register(
            user=person,
            identifier=f"demo-token-{person.pk}",
            platform=Device.Platform.ANDROID if person.pk % 3 else Device.Platform.IOS,
            app_version="1.0.0",
        )
    services.preference_update(
        user=people[0],
        quiet_start=time(22),
        quiet_end=time(6, 30),
        quiet_weekdays=[1, 2, 3, 4, 5, 6, 7],
    )
    with transaction.atomic():
        services.notification_send(
            category="news",
            recipients=User.objects.filter(pk__in=[p.pk for p in people]),
            title=gettext_noop("Velkommen til Bro"),
            body=gettext_noop(
                "Her får du nyheder, referater og arrangementer fra din arbejdsplads."
            ),
            data={"type": "welcome"},
            dedup_key="demo:welcome",
        )
    sender = User.objects.filter(is_active=True, roles__role=Role.COMMUNICATIONS).first()
    if sender and not Alert.objects.filter(title=DRILL_TITLE).exists():
        unit = OrgUnit.objects.filter(pk=people[0].unit_id).first()
        alert = alerts.alert_send(
            sender=sender,
            title=DRILL_TITLE,
            body="Dette er en øvelse. Gå til mødestedet og svar i appen, at du er OK.",
            units=[unit],
        )
        first = alert.recipients.order_by("pk").first()
        if first is not None:
            alerts.alert_answer(user=first.user, alert_id=alert.pk, answer=AlertRecipient.Answer.OK)
    stdout.write(
        f"push: {Device.objects.filter(retired_at=None).count()} devices, "
        f"{Alert.objects.count()} alerts"
    )
