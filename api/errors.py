"""One JSON error shape for every error the API gives.

    {"code": "validation_error", "message": "Ugyldige data.", "fields": {"email": ["…"]}}

`code` is stable and machine-readable; `message` is in the caller's language (Danish first);
`fields` is present only where individual fields were wrong.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from backend.errors import ApplicationError

logger = logging.getLogger("bro.api")


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_field_errors(item) for item in detail]
    return [str(detail)]


def _leaves(codes):
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        for item in codes:
            yield from _leaves(item)
    else:
        yield codes


def _drf_error(exc: exceptions.APIException) -> tuple[int, dict]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = _field_errors(detail)
            non_field = fields.pop("non_field_errors", None)
            message = non_field[0] if non_field else _("Nogle felter er ikke udfyldt korrekt.")
            codes = set(_leaves(exc.get_codes()))
            if codes == {"does_not_exist"}:
                # Well formed, as the schema says, but naming no object the caller can use:
                # a fact the schema cannot state, so it gets a code of its own.
                return 400, error_body("unknown_id", message, fields or None)
            return 400, error_body("validation_error", message, fields or None)
        messages = _field_errors(detail)
        return 400, error_body("validation_error", messages[0] if messages else _("Ugyldige data."))
    if isinstance(exc, exceptions.ParseError):
        return 400, error_body(
            "malformed_request", _("Forespørgslen kunne ikke læses: %(d)s") % {"d": exc.detail}
        )
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return 401, error_body("not_authenticated", _("Du skal logge ind."))
    if isinstance(exc, exceptions.PermissionDenied):
        return 403, error_body("permission_denied", _("Du har ikke adgang til dette."))
    if isinstance(exc, exceptions.NotFound):
        return 404, error_body("not_found", _("Findes ikke."))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return 405, error_body("method_not_allowed", _("Metoden er ikke tilladt her."))
    if isinstance(exc, exceptions.NotAcceptable):
        return 406, error_body("not_acceptable", _("Svarformatet understøttes ikke."))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return 415, error_body("unsupported_media_type", _("Indholdstypen understøttes ikke."))
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        return 429, error_body(
            "rate_limited", _("For mange forespørgsler. Prøv igen om lidt."), retry_after=wait
        )
    return exc.status_code, error_body(str(exc.get_codes()) or "error", str(exc.detail))


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: domain errors, DRF errors and Django's own, one shape."""
    if isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.code, exc.message, exc.fields or None, **exc.extra),
            status=exc.status_code,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's handler500 answers with the JSON shape and logs it
    code, body = _drf_error(exc)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait))
    return Response(body, status=code, headers=headers)


def too_large_body() -> dict:
    return error_body("request_too_large", _("Forespørgslen er for stor."))


# Django-level handlers (backend.urls): errors raised outside DRF views get the same shape.
def bad_request(request, exception=None):
    return JsonResponse(error_body("bad_request", _("Forespørgslen er ugyldig.")), status=400)


def permission_denied(request, exception=None):
    return JsonResponse(
        error_body("permission_denied", _("Du har ikke adgang til dette.")), status=403
    )


def page_not_found(request, exception=None):
    return JsonResponse(error_body("not_found", _("Findes ikke.")), status=404)


def server_error(request):
    return JsonResponse(
        error_body("server_error", _("Der opstod en fejl hos os. Prøv igen senere.")), status=500
    )
