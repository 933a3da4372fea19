from django.contrib import admin

from org.admin_base import ReadOnlyAdminMixin, RoleAdminMixin
from org.models import Role

from .models import Cascade, Task


class TaskInline(admin.TabularInline):
    model = Task
    fields = ("unit", "leader", "deputy", "received_at", "passed_on_at", "told_on", "attendance")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cascade)
class CascadeAdmin(ReadOnlyAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    """Read-only: cascades are started and passed on through the API's services."""

    admin_roles = (Role.COMMUNICATIONS, Role.ADMIN)
    list_display = ("title", "root_unit", "started_at")
    readonly_fields = (
        "title",
        "message",
        "talking_points",
        "root_unit",
        "created_by",
        "started_at",
    )
    inlines = [TaskInline]
