"""Messages to people about their account: the invitation, in their own language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import User
from .sms import send_sms


def send_invitation(*, user_id: int) -> None:
    """Tell an invited person how to log in: by e-mail when they have one, else by SMS."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.language):
        context = {"user": user, "login_id": user.email or user.phone}
        if user.email:
            subject = render_to_string("org/invitation_subject.txt", context).strip()
            body = render_to_string("org/invitation_message.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        else:
            send_sms(
                to=user.phone, body=render_to_string("org/invitation_sms.txt", context).strip()
            )
