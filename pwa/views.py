"""The staff app (app/, a PWA built by Vite) served from Bro's own origin at /app/.

The bundle Vite builds from app/ is committed in pwa/dist, so a machine with only Python serves a working app.
index.html, sw.js and the manifest are revalidated on every load (a new release reaches the
phone at the next start); everything under assets/ carries a content hash and is cached for a
year. The app gets its own Content-Security-Policy, stricter than the site's: no inline script
or style at all, API calls to our own origin only (and Firebase's two token services, for web
push), and a service worker from our own origin.
"""

import mimetypes
import re
from pathlib import Path

from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.usersessions.models import UserSession
from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override, csp_report_only_override
from django.views.decorators.http import require_safe

from org import sso as org_sso

from . import sso

APP_DIST = Path(__file__).resolve().parent / "dist"
YEAR = 60 * 60 * 24 * 365

APP_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Attachments are fetched with the session token and shown as blob: URLs.
    "img-src": [CSP.SELF, "data:", "blob:"],
    # Web push (pwa.api.push_config): Firebase's script gets the phone's FCM token from these
    # two Google services; the app's own calls stay on our origin.
    "connect-src": [
        CSP.SELF,
        "https://firebaseinstallations.googleapis.com",
        "https://fcmregistrations.googleapis.com",
    ],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

mimetypes.add_type("application/manifest+json", ".webmanifest")


def _file(relative: str) -> Path:
    """The file under pwa/dist, or 404; no path may leave that folder."""
    root = APP_DIST.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


@require_safe
@csp_override(APP_CSP)
@csp_report_only_override({})  # one policy, enforced in every environment
def shell(request):
    """The app's one HTML page; the app routes inside it (#/feed, #/post/12, …)."""
    try:
        html = _file("index.html").read_bytes()
    except Http404:
        return HttpResponse(
            "The app is not built: cd app && npm ci && npm run build",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@csp_override(APP_CSP)
@csp_report_only_override({})
def asset(request, path: str):
    """A file of the built app: hashed assets cached for a year, the rest revalidated."""
    file = _file(path)
    content_type, _encoding = mimetypes.guess_type(file.name)
    response = FileResponse(
        file.open("rb"), content_type=content_type or "application/octet-stream"
    )
    if path.startswith("assets/"):
        response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response


# The app's work-account login (pwa.sso): the cookie session holds the flow between these two.
# Both survive a work-account login that ends another person's cookie session
# (org.sso.take_over_browser), as they carry the flow, not the person.
_CHALLENGE_KEY = f"{org_sso.FLOW_KEY_PREFIX}app_challenge"
_STARTED_BY_KEY = f"{org_sso.FLOW_KEY_PREFIX}app_started_by"


def _back_to_app(fragment: str) -> HttpResponse:
    response = HttpResponseRedirect(f"/app/#/{fragment}")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def sso_start(request):
    """Send the browser to the work-account provider for the app; ?challenge= binds the code."""
    challenge = request.GET.get("challenge", "")
    if not sso.CHALLENGE.fullmatch(challenge) or org_sso.provider(request) is None:
        return _back_to_app("login?sso_error=sso_unavailable")
    request.session[_CHALLENGE_KEY] = challenge
    request.session[_STARTED_BY_KEY] = request.user.pk if request.user.is_authenticated else None
    return org_sso.provider(request).redirect(
        request, AuthProcess.LOGIN, next_url=reverse("pwa:sso-done"), headless=True
    )


@require_safe
def sso_done(request):
    """Where allauth lands the app's flow: hand the app a one-time code, or the refusal's code."""
    challenge = request.session.pop(_CHALLENGE_KEY, None)
    started_by = request.session.pop(_STARTED_BY_KEY, None)
    error = request.GET.get("error", "")
    if error or challenge is None or not request.user.is_authenticated:
        code = error if re.fullmatch(r"[a-z_]{1,40}", error) else "sso_failed"
        return _back_to_app(f"login?sso_error={code}")
    code = sso.code_issue(
        user=request.user,
        challenge=challenge,
        logout_hint=request.session.get(org_sso.ID_TOKEN_SESSION_KEY),
    )
    if started_by != request.user.pk:
        # The cookie session only carried the flow (the browser was logged out, or logged in
        # as someone else, whose session the login ended): the app holds its own token.
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        logout(request)
    return _back_to_app(f"sso?code={code}")
