"""The staff app (app/, a PWA built by Vite) served from Bro's own origin at /app/.

The bundle Vite builds from app/ is committed in pwa/dist, so a machine with only Python serves a working app.
index.html, sw.js and the manifest are revalidated on every load (a new release reaches the
phone at the next start); everything under assets/ carries a content hash and is cached for a
year. The app gets its own Content-Security-Policy, stricter than the site's: no inline script
or style at all, API calls to our own origin only, and a service worker from our own origin.
"""

import mimetypes
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override, csp_report_only_override
from django.views.decorators.http import require_safe

APP_DIST = Path(__file__).resolve().parent / "dist"
YEAR = 60 * 60 * 24 * 365

APP_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Attachments are fetched with the session token and shown as blob: URLs.
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
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
