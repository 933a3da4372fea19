"""The Django admin's site: work-account login, and a password login that is rate-limited.

With single sign-on configured (org.sso), staff log in with their work account. The password
login is then only for a break-glass superuser, and off entirely unless ADMIN_PASSWORD_LOGIN
(default off in production) allows it; without SSO it serves active staff as before.

Failed logins count against allauth's rate-limit machinery (action `admin_login_failed` in
ACCOUNT_RATE_LIMITS), per client address and per account, in the shared cache. While either
limit is spent, the login answers 429 with a page saying so — a correct password included,
so guessing cannot go on by probing for a success. A successful login consumes nothing.
"""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import sso

RATE_LIMIT_ACTION = "admin_login_failed"


def _account_key(username: str) -> str:
    # E-mail addresses are the admin's user names; case and spaces do not make a new account.
    return f"admin:{username.strip().lower()}"


def login_blocked(request, *, username: str) -> bool:
    """True while this address or this account has no failed attempts left."""
    return not ratelimit.consume(
        request, action=RATE_LIMIT_ACTION, key=_account_key(username), dry_run=True
    )


def password_login(request) -> str:
    """Who may log in to the admin by password: "off", "superuser" (SSO on) or "staff"."""
    if not settings.ADMIN_PASSWORD_LOGIN:
        return "off"
    return "superuser" if sso.enabled(request) else "staff"


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login form (active staff only) that counts each failure."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if password_login(self.request) == "superuser" and not user.is_superuser:
            # Staff use their work account; a password only opens the break-glass account.
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )

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
    site_header = gettext_lazy("Bro – administration")
    site_title = gettext_lazy("Bro – administration")
    login_form = StaffAuthenticationForm
    login_template = "org/admin_login.html"

    def get_urls(self):
        sso_login = never_cache(require_POST(self.sso_login))
        return [path("sso/", sso_login, name="sso-login"), *super().get_urls()]

    def login(self, request, extra_context=None):
        mode = password_login(request)
        extra_context = {
            **(extra_context or {}),
            "sso_name": sso.display_name(request),
            "password_login": mode,
        }
        if request.method == "POST" and mode == "off":
            request.method = "GET"  # show the page without the password form, nothing checked
            response = super().login(request, extra_context)
            response.status_code = 403
            return response
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

    def sso_login(self, request):
        """Log in with the work account: off to the provider, back to the admin page asked for."""
        home = reverse("admin:index", current_app=self.name)
        wanted = request.POST.get("next") or home
        if not (
            wanted.startswith(home)
            and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        ):
            wanted = home
        return sso.redirect_to_provider(
            request, next_url=wanted, back_url=reverse("admin:login", current_app=self.name)
        )

    def logout(self, request, extra_context=None):
        if request.method != "POST":
            return super().logout(request, extra_context)  # 405: logging out takes a POST
        at_provider = sso.provider_logout_url(
            request, then=reverse("admin:login", current_app=self.name)
        )
        response = super().logout(request, extra_context)
        return redirect(at_provider) if at_provider else response
