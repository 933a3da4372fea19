"""The Django admin's site: staff-only password login, with failed attempts rate-limited.

Failed logins count against allauth's rate-limit machinery (action `admin_login_failed` in
ACCOUNT_RATE_LIMITS), per client address and per account, in the shared cache. While either
limit is spent, the login answers 429 with a page saying so — a correct password included,
so guessing cannot go on by probing for a success. A successful login consumes nothing.
"""

from allauth.core import ratelimit
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

RATE_LIMIT_ACTION = "admin_login_failed"


def _account_key(username: str) -> str:
    # E-mail addresses are the admin's user names; case and spaces do not make a new account.
    return f"admin:{username.strip().lower()}"


def login_blocked(request, *, username: str) -> bool:
    """True while this address or this account has no failed attempts left."""
    return not ratelimit.consume(
        request, action=RATE_LIMIT_ACTION, key=_account_key(username), dry_run=True
    )


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login form (active staff only) that counts each failure."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # Wrong password, unknown account, inactive or not staff: all count as a failure.
            ratelimit.consume(
                self.request,
                action=RATE_LIMIT_ACTION,
                key=_account_key(self.data.get("username", "")),
            )
            raise


class BroAdminSite(AdminSite):
    login_form = StaffAuthenticationForm

    def login(self, request, extra_context=None):
        if request.method == "POST" and login_blocked(
            request, username=request.POST.get("username", "")
        ):
            context = {
                **self.each_context(request),
                "title": _("For mange forsøg"),
                "subtitle": None,
            }
            return TemplateResponse(request, "org/admin_login_blocked.html", context, status=429)
        return super().login(request, extra_context)
