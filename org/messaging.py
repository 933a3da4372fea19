"""Messages about a person's account, sent from Celery tasks after commit with retries.

Login codes, invitations and the org hooks never run an SMTP or SMS call inside a request:
the request only queues a task once its transaction has committed. A known and an unknown
address take the same path there (one task queued each; the unknown one's task sends
nothing), so the answer's timing does not tell them apart, and a slow or failing mail server
costs the person a retry in the background instead of an error on the login screen.
"""

import logging
import random
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import hooks
from .sms import send_sms

logger = logging.getLogger("bro.org.messaging")

# Attempts and backoff of a message task: 10 s, 20 s, 40 s … at most 10 minutes apart, about
# an hour in all, which outlasts a mail server's restart; a login code lives 10 minutes, but
# an invitation must arrive.
MAX_RETRIES = 8
RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 600


class TransientSendError(Exception):
    """The gateway or mail server may take the message later (429, 5xx, 4xx SMTP, no answer)."""


def _countdown(retries: int) -> float:
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries) * random.uniform(0.5, 1.0)


def _send_email(*, to: str, subject: str, body: str) -> None:
    """Send one mail; raise TransientSendError when trying again may help, log when not."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise TransientSendError(f"SMTP {codes}") from error
        logger.warning("mail refused for good (%s)", codes)
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TransientSendError(f"SMTP {error.smtp_code}") from error
        logger.warning("mail refused for good (%s)", error.smtp_code)
    except OSError as error:  # refused or dropped connection, timeout
        raise TransientSendError(str(error)) from error


def _send_text(*, to: str, body: str) -> None:
    result = send_sms(to=to, body=body)
    if not result.ok:
        if result.transient:
            raise TransientSendError(result.code)
        logger.warning("SMS refused for good (%s)", result.code)


# Embedded mode (tasks run in the request, no worker to come back later): a few immediate
# attempts, then give up with a log line rather than fail the request.
EAGER_ATTEMPTS = 3


def _retrying(task, send) -> None:
    if task.request.is_eager:
        for attempt in range(1, EAGER_ATTEMPTS + 1):
            try:
                send()
                return
            except TransientSendError as error:
                if attempt == EAGER_ATTEMPTS:
                    logger.error("%s: gave up after %d attempts (%s)", task.name, attempt, error)
        return
    try:
        send()
    except TransientSendError as error:
        if task.request.retries >= MAX_RETRIES:
            logger.error("%s: gave up after %d attempts (%s)", task.name, MAX_RETRIES + 1, error)
            return
        raise task.retry(exc=error, countdown=_countdown(task.request.retries)) from error


_TASK = {"bind": True, "soft_time_limit": 60, "time_limit": 90, "ignore_result": True}


@shared_task(**_TASK)
def send_login_code(
    self, *, email: str = "", phone: str = "", code: str = "", language: str = "da"
):
    """A login code by e-mail or SMS; without a code (an unknown address) nothing is sent."""
    if not code:
        return
    with translation.override(language):
        if phone:
            body = _("Din kode til Bro: %(code)s") % {"code": code}
            _retrying(self, lambda: _send_text(to=phone, body=body))
        elif email:
            context = {"code": code, "email": email}
            subject = render_to_string("account/email/login_code_subject.txt", context).strip()
            body = render_to_string("account/email/login_code_message.txt", context)
            _retrying(self, lambda: _send_email(to=email, subject=subject, body=body))


def _invitation_send(user) -> None:
    """Send one person's invitation once; raise TransientSendError when a retry may help."""
    with translation.override(user.language):
        context = {"user": user, "login_id": user.email or user.phone}
        if user.email:
            subject = render_to_string("org/invitation_subject.txt", context).strip()
            body = render_to_string("org/invitation_message.txt", context)
            _send_email(to=user.email, subject=subject, body=body)
        elif user.phone:
            body = render_to_string("org/invitation_sms.txt", context).strip()
            _send_text(to=user.phone, body=body)


@shared_task(**_TASK)
def send_invitation(self, *, user_id: int) -> None:
    """Tell an invited person how to log in: by e-mail when they have one, else by SMS."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    _retrying(self, lambda: _invitation_send(user))


# People per task when many are invited at once (an HR import): one read per batch instead
# of one per person; 100 sends stay well inside the time limit even at ~1 s an SMS.
INVITATION_BATCH = 100


@shared_task(bind=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def send_invitations(self, *, user_ids: list[int]) -> None:
    """Invitations for a batch of people; a send that may succeed later gets its own task.

    Retrying the whole batch would send the others twice, so a transient failure is handed to
    send_invitation, which retries that one person with backoff.
    """
    from .models import User

    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if self.request.is_eager:
            _retrying(self, lambda user=user: _invitation_send(user))
            continue
        try:
            _invitation_send(user)
        except TransientSendError:
            send_invitation.apply_async(kwargs={"user_id": user.pk}, countdown=_countdown(0))


@shared_task(soft_time_limit=240, time_limit=300, ignore_result=True)
def run_person_hooks(*, event: str, user_id: int) -> None:
    """The apps above org react to a person's invitation or changed dates (org.hooks)."""
    if event == "invited":
        hooks.person_invited(user_id=user_id)
    elif event == "dates_changed":
        hooks.person_dates_changed(user_id=user_id)


# People per hook task when many are invited at once: the hooks' set-based versions read and
# write a batch in a fixed number of queries, and 500 keep each task short.
HOOK_BATCH = 500


@shared_task(soft_time_limit=240, time_limit=300, ignore_result=True)
def run_people_hooks(*, event: str, user_ids: list[int]) -> None:
    """The apps above org react to many people invited at once (org.hooks.people_invited)."""
    if event == "invited":
        hooks.people_invited(user_ids=user_ids)


def after_commit(callback) -> None:
    """Run `callback` once the current transaction commits (at once outside one)."""
    transaction.on_commit(callback)


def queue_login_code(*, email: str = "", phone: str = "", code: str = "", language: str = "da"):
    after_commit(
        lambda: send_login_code.delay(email=email, phone=phone, code=code, language=language)
    )


def queue_invitation(*, user_id: int) -> None:
    after_commit(lambda: send_invitation.delay(user_id=user_id))


def queue_person_hooks(*, event: str, user_id: int) -> None:
    after_commit(lambda: run_person_hooks.delay(event=event, user_id=user_id))


def _batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def queue_invitations(*, user_ids: list[int]) -> None:
    """After commit, invitations for many people, in tasks of INVITATION_BATCH."""
    after_commit(
        lambda: [
            send_invitations.delay(user_ids=batch)
            for batch in _batches(list(user_ids), INVITATION_BATCH)
        ]
    )


def queue_people_hooks(*, event: str, user_ids: list[int]) -> None:
    """After commit, the hooks for many people, in tasks of HOOK_BATCH."""
    after_commit(
        lambda: [
            run_people_hooks.delay(event=event, user_ids=batch)
            for batch in _batches(list(user_ids), HOOK_BATCH)
        ]
    )
