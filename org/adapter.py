"""django-allauth glue: no open sign-up, login by code to an e-mail or a mobile number.

allauth stores no phone numbers and sends no SMS itself; these methods map its phone calls
onto User.phone and org.sms.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils import translation
from django.utils.translation import gettext as _

from backend.errors import ApplicationError

from .models import User
from .services import normalise_phone
from .sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People are invited by HR; nobody signs themselves up.
        return False

    def clean_phone(self, phone: str) -> str:
        try:
            return normalise_phone(phone) or ""
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        with translation.override(getattr(user, "language", None) or "da"):
            send_sms(to=phone, body=_("Din kode til Bro: %(code)s") % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Same answer as for a known number (no enumeration), but no text: an SMS to any
        # number anyone types would cost money and annoy strangers.
        return None

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
