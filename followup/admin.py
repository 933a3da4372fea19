from django.contrib import admin

from org.admin_base import ReadOnlyAdminMixin, RoleAdminMixin
from org.models import Role

from .models import Action, FollowUp


class ActionInline(admin.TabularInline):
    model = Action
    fields = ("question", "indicator", "what", "who", "due_on", "status", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    """Read-only: leaders write and share their actions through the API's services."""

    admin_roles = (Role.COMMUNICATIONS, Role.ADMIN)
    list_display = ("wave", "unit", "leader", "closed_at", "first_published_at")
    list_filter = ("wave__survey",)
    search_fields = ("unit__name", "leader__name")
    readonly_fields = ("wave", "unit", "leader", "closed_at", "first_published_at")
    inlines = [ActionInline]
