"""The dashboard's pages as PDF (for the byråd): the same template, printed by WeasyPrint.

WeasyPrint is pure Python over Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0), works
offline, and draws the inline SVG charts and the inline stylesheet; the page templates load
nothing from the network, so no URL fetcher is needed.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"The dashboard PDF loads nothing: {url}")


def render_pdf(request: HttpRequest, template: str, context: dict) -> bytes:
    """The page rendered for print, as PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )
