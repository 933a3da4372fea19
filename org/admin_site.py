"""The Django admin's site: one-time code or work-account login; a password only for break-glass.

HR, communications and admins (the staff roles) log in with a one-time code, the same allauth
code flow as the dashboard (org.code_login), or with their work account once single sign-on is
configured (org.sso); so no admin passwords exist for them. The password login is only for a
break-glass superuser, and off entirely unless ADMIN_PASSWORD_LOGIN (default off in production)
allows it.

Failed password logins count against allauth's rate-limit machinery (action
`admin_login_failed` in ACCOUNT_RATE_LIMITS), per client address and per account, in the shared
cache. While either limit is spent, the login answers 429 with a page saying so — a correct
password included, so guessing cannot go on by probing for a success. A successful login
consumes nothing. The code login has allauth's own code limits.
"""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import sso
from .code_login import CodeLogin, landing

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
    """Who may log in to the admin by password: "off" or "superuser" (break-glass only)."""
    return "superuser" if settings.ADMIN_PASSWORD_LOGIN else "off"


def may_use_admin(user) -> bool:
    """Who gets a login code for the admin: active people with a staff role."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


CODE_LOGIN = CodeLogin(may_use=may_use_admin, next_session_key="admin_next")


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login form (active staff only) that counts each failure."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if password_login(self.request) == "superuser" and not user.is_superuser:
            # Staff use a code or their work account; a password opens only break-glass.
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
        code_login = never_cache(require_http_methods(["GET", "POST"])(self.code_login))
        code_confirm = never_cache(require_http_methods(["GET", "POST"])(self.code_confirm))
        return [
            path("sso/", sso_login, name="sso-login"),
            path("login/kode/", code_login, name="code-login"),
            path("login/kode/bekraeft/", code_confirm, name="code-confirm"),
            *super().get_urls(),
        ]

    def _next(self, request, candidate: str | None) -> str:
        return landing(request, candidate, home=reverse("admin:index", current_app=self.name))

    def _login_context(self, request, **extra) -> dict:
        return {**self.each_context(request), "title": _("Log ind"), "subtitle": None, **extra}

    def code_login(self, request):
        """Ask for an e-mail or a mobile number and send a login code to it."""
        wanted = self._next(request, request.GET.get("next") or request.POST.get("next"))
        if may_use_admin(request.user):
            return redirect(wanted)
        form = CODE_LOGIN.request_form(request)
        if (
            request.method == "POST"
            and form.is_valid()
            and CODE_LOGIN.send_code(request, form, next_url=wanted)
        ):
            return redirect(reverse("admin:code-confirm", current_app=self.name))
        context = self._login_context(request, form=form, next=wanted)
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "org/admin_code_login.html", context, status=status)

    def code_confirm(self, request):
        """Take the code; the right one starts the session, too many wrong ones end the try."""
        login_url = reverse("admin:login", current_app=self.name)
        process = CODE_LOGIN.pending(request)
        if process is None:
            return redirect(login_url)
        form = CODE_LOGIN.confirm_form(request, process)
        if request.method == "POST":
            home = reverse("admin:index", current_app=self.name)
            outcome, target = CODE_LOGIN.confirm(request, process, form, home=home)
            if outcome == "in":
                return redirect(target)
            if outcome == "over":
                return redirect(login_url)
        context = self._login_context(
            request, form=form, to=process.state.get("email") or process.state.get("phone")
        )
        return TemplateResponse(request, "org/admin_code_confirm.html", context)

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
        return sso.redirect_to_provider(
            request,
            next_url=self._next(request, request.POST.get("next")),
            back_url=reverse("admin:login", current_app=self.name),
        )

    def logout(self, request, extra_context=None):
        if request.method != "POST":
            return super().logout(request, extra_context)  # 405: logging out takes a POST
        at_provider = sso.provider_logout_url(
            request, then=reverse("admin:login", current_app=self.name)
        )
        response = super().logout(request, extra_context)
        return redirect(at_provider) if at_provider else response
