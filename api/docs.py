"""The API docs page (Swagger UI) under a strict Content-Security-Policy.

drf-spectacular's default page inlines its start-up script and a <style> block, which a CSP
without 'unsafe-inline' blocks. The split view serves the start-up script as its own request
(`/api/docs/?script`), and our template links a stylesheet instead of inlining one; Swagger UI
itself comes from the sidecar's static files. Swagger UI's icons are SVG `data:` images in its
stylesheet, hence `img-src data:`.
"""

from typing import ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override, csp_report_only_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and language, then served from memory.

    Generating it walks every view and serializer: ~1.3 s of CPU per request, for anyone,
    signed in or not. The schema changes only with the code, so each process keeps the bytes
    it rendered per (language, version, format, year: the near-date bounds move with the year);
    a deploy starts new processes. `?lang=` is
    honoured only for the languages we serve, so it cannot grow the cache.
    """

    _rendered: ClassVar[dict[tuple, tuple[bytes, str, str]]] = {}

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        lang = request.GET.get("lang")
        if lang and lang not in dict(settings.LANGUAGES):
            lang = None
        with translation.override(lang or translation.get_language()):
            return self._cached_response(request)

    def _cached_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer = request.accepted_renderer
        # The near-date patterns (api.serializers.year_pattern) move with the year.
        year = timezone.localdate().year
        key = (
            translation.get_language(),
            version,
            renderer.format,
            request.accepted_media_type,
            year,
        )
        if key not in self._rendered:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            content = renderer.render(
                schema, request.accepted_media_type, self.get_renderer_context()
            )
            content_type = request.accepted_media_type
            if renderer.charset:
                content_type = f"{content_type}; charset={renderer.charset}"
            filename = self._get_filename(request, version)
            self._rendered[key] = (content, content_type, filename)
        content, content_type, filename = self._rendered[key]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


@receiver(setting_changed)
def _forget_schema(**kwargs) -> None:
    """Settings shape the schema: a test that changes one gets a fresh schema."""
    SchemaView._rendered.clear()
