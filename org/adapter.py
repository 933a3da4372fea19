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

# allauth's mail templates: the login code, and the one for an address it does not know.
_LOGIN_CODE = "account/email/login_code"
_UNKNOWN_ACCOUNT = "account/email/unknown_account"


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
        if template_prefix in (_LOGIN_CODE, _UNKNOWN_ACCOUNT):
            # The same work for a known and an unknown address (one lookup, one task queued);
            # the unknown one's task has no code and sends nothing: no mail to strangers.
            user = User.objects.filter(email=email).only("language").first()
            language = getattr(user, "language", None) or "da"
            code = context.get("code", "") if template_prefix == _LOGIN_CODE else ""
            messaging.queue_login_code(email=email, code=code, language=language)
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
