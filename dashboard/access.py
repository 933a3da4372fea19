"""Who may use the dashboard, and the one wrapper every page goes through.

The dashboard is for staff roles only: leaders, HR, communications and admins. A person signed
in with none of them gets 403; nobody signed in is sent to the login page. Domain errors from
the selectors underneath (NotFoundError for an id outside the caller's scope,
PermissionDeniedError for a role the surveys do not serve) become the same HTML error page with
the same status the API would answer.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from backend.errors import ApplicationError
from org.models import Role, User

DASHBOARD_ROLES = (Role.LEADER, Role.HR, Role.COMMUNICATIONS, Role.ADMIN)


def sections_for(user: User) -> frozenset[str]:
    """The parts of the dashboard the person's roles open, as the API decides them."""
    sections = {"reach"}
    if user.has_role(Role.LEADER, Role.COMMUNICATIONS):  # surveys.results.caller_scope
        sections.add("results")
    if user.has_role(Role.LEADER, Role.HR, Role.ADMIN):  # onboarding.journeys_visible_to
        sections.add("onboarding")
    if user.has_role(Role.LEADER, Role.COMMUNICATIONS, Role.ADMIN):  # cascade.views readers
        sections.add("cascade")
    if user.has_role(Role.COMMUNICATIONS, Role.ADMIN):  # dialogue.selectors.MODERATOR_ROLES
        sections.add("moderation")
    if user.has_role(Role.LEADER, Role.HR, Role.COMMUNICATIONS):  # dialogue's question recipients
        sections.add("questions")
    if user.has_role(Role.COMMUNICATIONS, Role.ADMIN):  # followup.views.OverviewView
        sections.add("followup")
    return frozenset(sections)


def may_use_dashboard(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*DASHBOARD_ROLES))


def error_page(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    return render(
        request, "dashboard/error.html", {"status": status, "message": message}, status=status
    )


def dashboard_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only, in the person's language; domain errors as HTML error pages."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user: User = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('dashboard:login')}?{urlencode({'next': request.path})}")
        with translation.override(user.language or "da"):
            if not may_use_dashboard(user):
                return error_page(
                    request, status=403, message=_("Ledelsesoverblikket er for ledere og stab.")
                )
            request.dashboard_sections = sections_for(user)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return error_page(request, status=404, message=_("Siden findes ikke."))
            except ApplicationError as exc:
                return error_page(request, status=exc.status_code, message=exc.message)

    return wrapper
