"""Input and output shapes of the push API: plain serializers over prepared rows."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateTimeField,
    IdField,
    IdRelatedField,
    IdsRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from backend.errors import ApplicationError
from org.models import Audience, OrgUnit

from .delivery import render
from .models import SWITCHABLE_CATEGORIES, AlertRecipient, Category, Device, Priority
from .quiet_hours import mask_to_weekdays


class DeviceRegisterSerializer(StrictInputSerializer):
    token = serializers.CharField(
        required=False, max_length=1024, help_text="FCM registration token."
    )
    fid = serializers.CharField(
        required=False, max_length=1024, help_text="Firebase installation id (instead of token)."
    )
    platform = serializers.ChoiceField(choices=Device.Platform.choices)
    app_version = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")

    def validate(self, attrs):
        if bool(attrs.get("token")) == bool(attrs.get("fid")):
            # Either, not both: a rule JSON Schema could state only with oneOf, so its own code.
            raise ApplicationError(
                _("Angiv enten token eller fid."),
                code="token_or_fid",
                fields={"token": [_("Angiv enten token eller fid.")]},
            )
        # The service takes one identifier and says which kind it is.
        attrs["kind"] = Device.Kind.FID if attrs.get("fid") else Device.Kind.TOKEN
        attrs["identifier"] = attrs.pop("fid", None) or attrs.pop("token")
        return attrs


class DeviceSerializer(serializers.Serializer):
    token = serializers.CharField(source="identifier")
    kind = serializers.CharField()
    platform = serializers.CharField()
    app_version = serializers.CharField()
    last_seen_at = serializers.DateTimeField()


class CategoriesSerializer(StrictInputSerializer):
    news = BooleanField(required=False)
    minutes = BooleanField(required=False)
    events = BooleanField(required=False)
    onboarding = BooleanField(required=False)
    surveys = BooleanField(required=False)
    alerts = BooleanField(
        required=False,
        true_only=True,
        help_text="Always true: crisis alerts cannot be switched off.",
        error_messages={"not_true": _("Krisebeskeder kan ikke slås fra.")},
    )


class QuietHoursSerializer(StrictInputSerializer):
    start = serializers.TimeField(allow_null=True, help_text="Europe/Copenhagen wall time.")
    end = serializers.TimeField(allow_null=True, help_text="Before start = across midnight.")
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        max_length=7,
        help_text="ISO weekdays (1 = Monday) on which a quiet window starts.",
    )


class QuietHoursOutSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM, Europe/Copenhagen wall time.")
    end = serializers.CharField(help_text="HH:MM; before start = across midnight.")
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        help_text="ISO weekdays (1 = Monday) on which a quiet window starts.",
    )


class PreferenceUpdateSerializer(StrictInputSerializer):
    categories = CategoriesSerializer(required=False)
    quiet_hours = QuietHoursSerializer(required=False, allow_null=True)


class PreferenceSerializer(serializers.Serializer):
    categories = serializers.SerializerMethodField()
    quiet_hours = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()

    def get_categories(self, preference) -> dict[str, bool]:
        values = {name: getattr(preference, name) for name in SWITCHABLE_CATEGORIES}
        return {**values, Category.ALERTS: True}

    @extend_schema_field(QuietHoursOutSerializer(allow_null=True))
    def get_quiet_hours(self, preference) -> dict | None:
        if preference.quiet_start is None:
            return None
        return {
            "start": preference.quiet_start.strftime("%H:%M"),
            "end": preference.quiet_end.strftime("%H:%M"),
            "weekdays": mask_to_weekdays(preference.quiet_weekdays),
        }

    def get_timezone(self, preference) -> str:
        return "Europe/Copenhagen"


class InboxItemSerializer(serializers.Serializer):
    """One inbox entry, rendered in the reader's language (no query per row)."""

    id = serializers.IntegerField(source="notification_id")
    category = serializers.ChoiceField(source="notification.category", choices=Category.choices)
    priority = serializers.ChoiceField(source="notification.priority", choices=Priority.choices)
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    data = serializers.DictField(source="notification.data", child=serializers.CharField())
    created_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)

    def _rendered(self, recipient) -> tuple[str, str]:
        return render(recipient.notification, self.context["language"])

    def get_title(self, recipient) -> str:
        return self._rendered(recipient)[0]

    def get_body(self, recipient) -> str:
        return self._rendered(recipient)[1]


class InboxQuerySerializer(QuerySerializer):
    updated_since = DateTimeField(required=False, help_text="Only what arrived after this.")


def _EscalationMinutes() -> serializers.IntegerField:
    # A step of the escalation ladder: at most a week after the alert.
    return serializers.IntegerField(
        required=False, min_value=0, max_value=7 * 24 * 60, allow_null=True
    )


class AlertCreateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000)
    units = IdsRelatedField(
        queryset=OrgUnit.objects.all(), required=False, max_length=500, default=list
    )
    audience = IdRelatedField(queryset=Audience.objects.all(), required=False, allow_null=True)
    post_id = IdField(required=False, allow_null=True)
    repush_after_minutes = _EscalationMinutes()
    sms_after_minutes = _EscalationMinutes()
    email_after_minutes = _EscalationMinutes()
    call_list_after_minutes = _EscalationMinutes()


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    post_id = serializers.IntegerField(allow_null=True)
    sender = serializers.CharField(source="sender.name")
    sent_at = serializers.DateTimeField()
    addressed_to_me = BooleanField()
    my_answer = serializers.CharField(allow_null=True, allow_blank=True)
    my_answered_at = serializers.DateTimeField(allow_null=True)
    repush_after_minutes = serializers.IntegerField(allow_null=True)
    sms_after_minutes = serializers.IntegerField(allow_null=True)
    email_after_minutes = serializers.IntegerField(allow_null=True)
    call_list_after_minutes = serializers.IntegerField(allow_null=True)


class AlertAnswerSerializer(StrictInputSerializer):
    answer = serializers.ChoiceField(choices=AlertRecipient.Answer.choices)


class AlertAnswerResultSerializer(serializers.Serializer):
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField()


class RollCallUnitSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(source="unit__name", allow_null=True)
    total = serializers.IntegerField()
    ok = serializers.IntegerField()
    need_help = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    not_answered = serializers.IntegerField()


class RollCallSerializer(serializers.Serializer):
    alert = serializers.IntegerField()
    units = RollCallUnitSerializer(many=True)


class RollCallPersonSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField(source="user.name")
    phone = serializers.CharField(source="user.phone", allow_null=True)
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    on_call_list = serializers.SerializerMethodField()

    def get_on_call_list(self, row) -> bool:
        return row.call_listed_at is not None and row.answered_at is None


class RollCallQuerySerializer(QuerySerializer):
    status = serializers.ChoiceField(
        choices=["not_answered", "need_help", "ok", "acknowledged", "call_list"],
        required=False,
        help_text="call_list = not answered after the ladder's last step.",
    )


class SmsReportSerializer(serializers.Serializer):
    """GatewayAPI's delivery status notification (the signed claims)."""

    id = serializers.IntegerField(min_value=0)
    msisdn = serializers.IntegerField(min_value=0)
    time = serializers.IntegerField(min_value=0, max_value=253402300799)
    status = serializers.CharField(max_length=20)
    userref = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    error = serializers.CharField(allow_blank=True, required=False)
    code = serializers.CharField(allow_blank=True, required=False)
