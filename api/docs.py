"""The API docs page (Swagger UI) under a strict Content-Security-Policy.

drf-spectacular's default page inlines its start-up script and a <style> block, which a CSP
without 'unsafe-inline' blocks. The split view serves the start-up script as its own request
(`/api/docs/?script`), and our template links a stylesheet instead of inlining one; Swagger UI
itself comes from the sidecar's static files. Swagger UI's icons are SVG `data:` images in its
stylesheet, hence `img-src data:`.
"""

from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override, csp_report_only_override
from drf_spectacular.views import SpectacularSwaggerSplitView

DOCS_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
@method_decorator(csp_report_only_override({}), name="dispatch")  # one policy, enforced
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with no inline script or style: the same policy in every environment."""

    template_name = "api/docs.html"
