"""Login by one-time code for the web dashboard, driving allauth's own code flow server-side.

allauth runs headless-only here (HEADLESS_ONLY): it serves no HTML pages of its own. These two
views use its forms and its login-by-code process directly, so the code, its lifetime, the
attempt limit and the rate limits are exactly the app's: a code goes to the person's e-mail or
mobile number, and confirming it starts an ordinary Django session (a cookie) for this site.

Only people with a dashboard role get a code. Anyone else is answered exactly as an unknown
address is (allauth's enumeration protection): the same page, and no mail or SMS.
"""

from allauth.account.forms import ConfirmLoginCodeForm, RequestLoginCodeForm
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.stages import LoginByCodeStage, LoginStageController
from django.contrib import messages
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from org import sso

from .access import may_use_dashboard

NEXT_SESSION_KEY = "dashboard_next"


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    """Where to land after login: a dashboard page on this site, else the start page."""
    home = reverse("dashboard:home")
    if (
        candidate
        and candidate.startswith(home)
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return home


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request: HttpRequest) -> HttpResponse:
    """Ask for an e-mail or a mobile number and send a login code to it."""
    if may_use_dashboard(request.user):
        return redirect(_next_url(request, request.GET.get("next")))
    form = RequestLoginCodeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not (form.cleaned_data.get("email") or form.cleaned_data.get("phone")):
            form.add_error(None, _("Skriv din e-mail eller dit mobilnummer."))
            return render(request, "dashboard/login.html", _context(request, form), status=400)
        user = getattr(form, "_user", None)
        LoginCodeVerificationProcess.initiate(
            request=request,
            user=user if may_use_dashboard(user) else None,
            email=form.cleaned_data.get("email") or None,
            phone=form.cleaned_data.get("phone") or None,
        )
        request.session[NEXT_SESSION_KEY] = _next_url(request, request.GET.get("next"))
        return redirect("dashboard:login-confirm")
    return render(request, "dashboard/login.html", _context(request, form))


def _context(request: HttpRequest, form) -> dict:
    return {
        "form": form,
        "sso_name": sso.display_name(request),
        "next": _next_url(request, request.GET.get("next")),
    }


@never_cache
@require_POST
def login_sso(request: HttpRequest) -> HttpResponse:
    """Log in with the work account: off to the provider, back on the page asked for."""
    return sso.redirect_to_provider(
        request,
        next_url=_next_url(request, request.POST.get("next")),
        back_url=reverse("dashboard:login"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def login_confirm(request: HttpRequest) -> HttpResponse:
    """Take the code; the right one starts the session, too many wrong ones end the attempt."""
    stage = LoginStageController.enter(request, LoginByCodeStage.key)
    process = LoginCodeVerificationProcess.resume(stage) if stage else None
    if process is None:
        return redirect("dashboard:login")
    form = ConfirmLoginCodeForm(
        data=request.POST if request.method == "POST" else None, code=process.code
    )
    if request.method == "POST":
        if form.is_valid():
            target = request.session.pop(NEXT_SESSION_KEY, None) or reverse("dashboard:home")
            process.finish(target)
            # allauth queues "code sent" and "signed in" notices for its own pages; the
            # dashboard shows where the person lands instead.
            for _notice in messages.get_messages(request):
                pass
            if not may_use_dashboard(request.user):
                # Unreachable through login_request; kept so a role lost meanwhile ends here.
                django_logout(request)
                return redirect("dashboard:login")
            return redirect(target)
        if not process.record_invalid_attempt():
            messages.error(request, _("For mange forkerte koder. Bed om en ny kode."))
            return redirect("dashboard:login")
    return render(
        request,
        "dashboard/login_confirm.html",
        {"form": form, "email": process.state.get("email"), "phone": process.state.get("phone")},
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    # A session started by SSO also ends at the provider, where it supports that.
    at_provider = sso.provider_logout_url(request, then=reverse("dashboard:login"))
    django_logout(request)
    return redirect(at_provider or "dashboard:login")
