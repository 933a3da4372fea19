"""Read-only admin views of push state, for operators answering "who was reached"."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from org.admin_base import ReadOnlyAdminMixin

from . import selectors
from .models import Alert, AlertRecipient, Delivery, Device, Notification


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "platform", "kind", "app_version", "last_seen_at", "retired_at"]
    list_filter = ["platform", "kind", "retired_reason"]
    list_select_related = ["user"]
    search_fields = ["user__name"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "category", "priority", "created_at"]
    list_filter = ["category", "priority"]
    change_list_template = "push/admin/notification_change_list.html"

    def get_urls(self):
        rules = path(
            "kanalregler/",
            self.admin_site.admin_view(self.channel_rules_view),
            name="push_notification_channel_rules",
        )
        return [rules, *super().get_urls()]

    def channel_rules_view(self, request):
        """The channel rules, read-only: they are settings, changed where the server runs."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kanalregler"),
            "opts": self.model._meta,
            "rules": selectors.channel_rules(),
            "budget_warning_percent": settings.SMS_BUDGET_WARNING_PERCENT,
        }
        return TemplateResponse(request, "push/admin/channel_rules.html", context)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "notification",
        "user",
        "channel",
        "status",
        "attempts",
        "error_code",
        "segments",
        "cost",
        "report_status",
        "sent_at",
    ]
    list_filter = ["channel", "status", "error_code", "report_status"]
    list_select_related = ["notification", "user"]


class AlertRecipientInline(admin.TabularInline):
    model = AlertRecipient
    fields = ["user", "unit", "answer", "answered_at", "repushed_at", "sms_at", "emailed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["title", "sender", "sent_at", "escalation_done_at"]
    inlines = [AlertRecipientInline]
