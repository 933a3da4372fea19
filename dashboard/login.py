"""Login by one-time code for the web dashboard (org.code_login: allauth's own code flow).

Only people with a dashboard role get a code; anyone else is answered exactly as an unknown
address is: the same page, and no mail or SMS.
"""

from django.contrib.auth import logout as django_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from org import sso
from org.code_login import CodeLogin, landing

from .access import may_use_dashboard

NEXT_SESSION_KEY = "dashboard_next"
CODE_LOGIN = CodeLogin(may_use=may_use_dashboard, next_session_key=NEXT_SESSION_KEY)


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    """Where to land after login: a dashboard page on this site, else the start page."""
    return landing(request, candidate, home=reverse("dashboard:home"))


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request: HttpRequest) -> HttpResponse:
    """Ask for an e-mail or a mobile number and send a login code to it."""
    if may_use_dashboard(request.user):
        return redirect(_next_url(request, request.GET.get("next")))
    form = CODE_LOGIN.request_form(request)
    if request.method == "POST" and form.is_valid():
        next_url = _next_url(request, request.GET.get("next"))
        if not CODE_LOGIN.send_code(request, form, next_url=next_url):
            return render(request, "dashboard/login.html", _context(request, form), status=400)
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
    process = CODE_LOGIN.pending(request)
    if process is None:
        return redirect("dashboard:login")
    form = CODE_LOGIN.confirm_form(request, process)
    if request.method == "POST":
        outcome, target = CODE_LOGIN.confirm(request, process, form, home=reverse("dashboard:home"))
        if outcome == "in":
            return redirect(target)
        if outcome == "over":
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
