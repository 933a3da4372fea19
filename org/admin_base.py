"""What every Bro admin page shares: who may open it (by role), refusals as messages, read-only.

The admin is for HR, communications and admins by their role in Bro, not by Django's per-model
permissions; each page names the roles that may use it in `admin_roles`.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.http import HttpResponseRedirect

from backend.errors import ApplicationError

from .models import Role


class RoleAdminMixin:
    """Open to the active people holding one of `admin_roles`, and to superusers; no deleting.

    `change_roles`, when set, narrows who may add and change to those roles: the others read.
    """

    admin_roles: tuple[str, ...] = (Role.HR, Role.ADMIN)
    change_roles: tuple[str, ...] | None = None

    def _allowed(self, request, roles: tuple[str, ...] | None = None) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.has_role(*(roles or self.admin_roles)))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    # ModelAdmin asks with the request only, an inline with the parent object too.
    def has_add_permission(self, request, obj=None):
        return self._allowed(request, self.change_roles)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, self.change_roles)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Shown, never added to or changed here: the rows are written by services elsewhere."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceErrorMixin:
    """Show a service's refusal as an admin error message; the whole save is rolled back."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ApplicationError as exc:
            # changeform_view runs in a transaction, so nothing of the refused save is kept.
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def each_through_service(self, request, objects, service) -> int:
        """Call `service(obj)` for each object; a refusal is a message naming it. Count successes."""
        done = 0
        for obj in objects:
            try:
                service(obj)
            except ApplicationError as exc:
                self.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
                continue
            done += 1
        return done


def two_box_field(*, label, queryset, plural, required: bool = True):
    """Many choices in the admin's two-box picker: search on the left, the chosen on the right."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        widget=FilteredSelectMultiple(plural, is_stacked=False),
    )
