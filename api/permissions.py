"""Base permissions by role. Object scope is the selectors' job: out of scope answers 404."""

from rest_framework.permissions import BasePermission


def role_permission(*roles: str) -> type[BasePermission]:
    """A permission class that lets through active people holding any of `roles`."""

    class HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_role(*roles))

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole
