"""Web login by one-time code for Bro's own HTML pages (the dashboard, the admin).

allauth runs headless-only here (HEADLESS_ONLY): it serves no HTML pages of its own. These
helpers use its forms and its login-by-code process directly, so the code, its lifetime, the
attempt limit and the rate limits are exactly the app's: a code goes to the person's e-mail or
mobile number, and confirming it starts an ordinary Django session (a cookie) for this site.

Only people the page admits (`may_use`) get a code. Anyone else is answered exactly as an
unknown address is (allauth's enumeration protection): the same page, and no mail or SMS.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.forms import ConfirmLoginCodeForm, RequestLoginCodeForm
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.stages import LoginByCodeStage, LoginStageController
from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def landing(request, candidate: str | None, *, home: str) -> str:
    """Where to land after login: `candidate` if it is a page under `home` on this site."""
    if (
        candidate
        and candidate.startswith(home)
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return home


@dataclass(frozen=True)
class CodeLogin:
    """One page's code login: who it admits, and the session key for where to land after."""

    may_use: Callable[[object], bool]
    next_session_key: str

    def request_form(self, request) -> RequestLoginCodeForm:
        return RequestLoginCodeForm(data=request.POST if request.method == "POST" else None)

    def send_code(self, request, form: RequestLoginCodeForm, *, next_url: str) -> bool:
        """Start the code process for a valid form; False (with the form's error) if empty."""
        if not (form.cleaned_data.get("email") or form.cleaned_data.get("phone")):
            form.add_error(None, _("Skriv din e-mail eller dit mobilnummer."))
            return False
        user = getattr(form, "_user", None)
        LoginCodeVerificationProcess.initiate(
            request=request,
            user=user if self.may_use(user) else None,
            email=form.cleaned_data.get("email") or None,
            phone=form.cleaned_data.get("phone") or None,
        )
        request.session[self.next_session_key] = next_url
        return True

    def pending(self, request):
        """The code process this browser started, or None (never asked, or ended)."""
        stage = LoginStageController.enter(request, LoginByCodeStage.key)
        return LoginCodeVerificationProcess.resume(stage) if stage else None

    def confirm_form(self, request, process) -> ConfirmLoginCodeForm:
        data = request.POST if request.method == "POST" else None
        return ConfirmLoginCodeForm(data=data, code=process.code)

    def confirm(self, request, process, form, *, home: str) -> tuple[str, str | None]:
        """Check the posted code: ("in", where to go), ("again", None) or ("over", None)."""
        if form.is_valid():
            target = request.session.pop(self.next_session_key, None) or home
            process.finish(target)
            # allauth queues "code sent" and "signed in" notices for its own pages; Bro's
            # pages show where the person lands instead.
            for _notice in messages.get_messages(request):
                pass
            if not self.may_use(request.user):
                # Unreachable through send_code; kept so a role lost meanwhile ends here.
                django_logout(request)
                return "over", None
            return "in", target
        if not process.record_invalid_attempt():
            messages.error(request, _("For mange forkerte koder. Bed om en ny kode."))
            return "over", None
        return "again", None
