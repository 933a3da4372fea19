"""Read-only admin views of push state, for operators answering "who was reached"."""

from django.contrib import admin

from org.admin_base import ReadOnlyAdminMixin

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
