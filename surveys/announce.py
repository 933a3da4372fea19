"""The hand-off to push: invitations to a wave and the one reminder before it closes.

Call these inside the transaction that opens (or reminds) the wave: push writes its
notifications in the caller's transaction and sends them after commit, holding them for people
in their quiet hours and leaving out people who switched the "surveys" category off.
"""

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from org.models import User
from push.models import Category
from push.services import notification_send

from .models import Wave

logger = logging.getLogger("bro.surveys.announce")


def _send(
    *, wave_id: int, user_ids: list[int], title: str, body: str, kind: str, fallback=()
) -> None:
    if not user_ids:
        return
    wave = Wave.objects.select_related("survey").get(pk=wave_id)
    notification_send(
        category=Category.SURVEYS,
        recipients=User.objects.filter(pk__in=user_ids),
        title=title,
        body=body,
        params={
            "title": wave.survey.title,
            "closes": timezone.localtime(wave.closes_at).strftime("%d.%m.%Y"),
        },
        data={"type": f"survey_{kind}", "wave_id": str(wave_id), "link": "wave"},
        collapse_key=f"survey-wave-{wave_id}",
        fallback=fallback,
        # One invitation and one reminder per wave, however often beat fires.
        dedup_key=f"survey:{wave_id}:{kind}",
    )
    logger.info("survey wave %s: %s sent to %s people", wave_id, kind, len(user_ids))


def invite_to_wave(*, wave_id: int, user_ids: list[int]) -> None:
    """Tell the invitees that a survey wave is open for them."""
    _send(
        wave_id=wave_id,
        user_ids=user_ids,
        title=gettext_noop("Ny undersøgelse: %(title)s"),
        body=gettext_noop("Du kan svare frem til %(closes)s. Det tager kun få minutter."),
        kind="invitation",
        # People with no active device get the invitation by SMS (with a link once the wave
        # has a link page registered in push.links).
        fallback=("sms",) if settings.NOTIFY_SURVEY_SMS_FALLBACK else (),
    )


def remind_wave(*, wave_id: int, user_ids: list[int]) -> None:
    """Remind invitees who have not answered that the wave closes soon."""
    _send(
        wave_id=wave_id,
        user_ids=user_ids,
        title=gettext_noop("Påmindelse: %(title)s"),
        body=gettext_noop("Undersøgelsen lukker %(closes)s. Vi vil gerne høre fra dig."),
        kind="reminder",
    )
