"""The one domain error type: services raise it, api.errors turns it into the JSON error shape."""

from typing import Any


class ApplicationError(Exception):
    """A refused request, with a machine-readable code, a translated message and field errors."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    status_code = 404
    default_code = "not_found"


class PermissionDeniedError(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class ConflictError(ApplicationError):
    status_code = 409
    default_code = "conflict"


def validate_model(instance, **kwargs) -> None:
    """Run the model's full_clean(); refuse with an ApplicationError naming the bad fields."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise ApplicationError(
            _("Oplysningerne er ikke gyldige."),
            fields={key: [str(m) for m in messages] for key, messages in exc.message_dict.items()},
        ) from exc
