"""django-allauth glue: no open sign-up, login by code to an e-mail or a mobile number.

allauth stores no phone numbers and sends no SMS itself; these methods map its phone calls
onto User.phone and org.sms. Codes are never sent inside the request: each send queues a
Celery task after commit (org.messaging), for a known and an unknown address alike.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms

from backend.errors import ApplicationError

from . import messaging
from .models import User
from .services import normalise_phone

# allauth's mail template that carries a login code.
_LOGIN_CODE = "account/email/login_code"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People are invited by HR; nobody signs themselves up.
        return False

    def clean_phone(self, phone: str) -> str:
        try:
            return normalise_phone(phone) or ""
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == _LOGIN_CODE:
            user = context.get("user") or User.objects.filter(email=email).only("language").first()
            language = getattr(user, "language", None) or "da"
            messaging.queue_login_code(email=email, code=context["code"], language=language)
        else:
            super().send_mail(template_prefix, email, context)

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        language = getattr(user, "language", None) or "da"
        messaging.queue_login_code(phone=phone, code=code, language=language)

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Same path as a known number, but no text: an SMS to any number anyone types would
        # cost money and annoy strangers.
        messaging.queue_login_code(phone=phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        User.objects.filter(pk=user.pk).update(phone=phone)
        user.phone = phone

    def get_phone(self, user) -> tuple[str, bool] | None:
        # Numbers come from HR, so they count as verified.
        return (user.phone, True) if user.phone else None

    def set_phone_verified(self, user, phone: str) -> None:
        return None

    def get_user_by_phone(self, phone: str):
        return User.objects.filter(phone=phone).first()
