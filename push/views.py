"""The push API: devices, preferences, the inbox, crisis alerts and their roll-call."""

from datetime import UTC, datetime

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import alerts, selectors, services
from .models import Alert, AlertRecipient, Recipient
from .serializers import (
    AlertAnswerResultSerializer,
    AlertAnswerSerializer,
    AlertCreateSerializer,
    AlertSerializer,
    DeviceRegisterSerializer,
    DeviceSerializer,
    InboxItemSerializer,
    InboxQuerySerializer,
    PreferenceSerializer,
    PreferenceUpdateSerializer,
    RollCallPersonSerializer,
    RollCallQuerySerializer,
    RollCallSerializer,
    SmsReportSerializer,
)


def _session_key(request) -> str | None:
    # With X-Session-Token auth, DRF's request.auth is the allauth session.
    return getattr(request.auth, "session_key", None)


class DeviceListView(APIView):
    open_before_start_date = True

    @extend_schema(
        request=DeviceRegisterSerializer,
        responses={200: DeviceSerializer, 201: DeviceSerializer},
        summary="Register this device for push (idempotent; moves the token to me)",
    )
    def post(self, request):
        data = DeviceRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, created = services.device_upsert(
            user=request.user, session_key=_session_key(request), **data.validated_data
        )
        return Response(
            DeviceSerializer(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeviceDetailView(APIView):
    open_before_start_date = True

    @extend_schema(
        responses={204: OpenApiResponse(description="Retired (also when it already was).")},
        summary="Stop push to this device",
    )
    def delete(self, request, token: str):
        services.device_retire(user=request.user, identifier=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferenceView(APIView):
    open_before_start_date = True

    @extend_schema(responses=PreferenceSerializer, summary="My push preferences")
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preference_for(user=request.user)).data)

    @extend_schema(
        request=PreferenceUpdateSerializer,
        responses=PreferenceSerializer,
        summary="Change categories and quiet hours (quiet_hours: null switches them off)",
    )
    def patch(self, request):
        data = PreferenceUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        changes = {}
        if "categories" in values:
            changes["categories"] = {k: v for k, v in values["categories"].items() if k != "alerts"}
        if "quiet_hours" in values:
            quiet = values["quiet_hours"] or {"start": None, "end": None}
            changes.update(quiet_start=quiet["start"], quiet_end=quiet["end"])
            if "weekdays" in quiet:
                changes["quiet_weekdays"] = quiet["weekdays"]
        preference = services.preference_update(user=request.user, **changes)
        return Response(PreferenceSerializer(preference).data)


class InboxView(GenericAPIView):
    open_before_start_date = True

    serializer_class = InboxItemSerializer
    queryset = Recipient.objects.none()  # for the schema; the rows come from the selector

    @extend_schema(
        parameters=[InboxQuerySerializer],
        responses=InboxItemSerializer(many=True),
        operation_id="push_notifications_list",
        summary="My notification inbox, newest first",
    )
    def get(self, request):
        query = InboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = selectors.inbox(
            user=request.user, updated_since=query.validated_data.get("updated_since")
        )
        page = self.paginate_queryset(items)
        context = {"language": request.user.language or get_language()}
        return self.get_paginated_response(
            InboxItemSerializer(page, many=True, context=context).data
        )


class InboxOpenedView(APIView):
    open_before_start_date = True

    @extend_schema(request=None, responses={204: None}, summary="Mark a notification opened")
    def post(self, request, notification_id: int):
        services.notification_open(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CanSendAlerts(BasePermission):
    """Only alert senders may POST (403 before the body is read); anyone signed in may list."""

    message = gettext_lazy("Du kan ikke sende krisebeskeder.")

    def has_permission(self, request, view) -> bool:
        return request.method != "POST" or alerts.can_send_alerts(request.user)


class AlertListView(GenericAPIView):
    permission_classes = [IsAuthenticated, CanSendAlerts]
    serializer_class = AlertSerializer
    queryset = Alert.objects.none()  # for the schema; the rows come from the selector

    @extend_schema(
        responses=AlertSerializer(many=True),
        operation_id="push_alerts_list",
        summary="Alerts I sent, received, or that reached my people",
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.alerts_visible(user=request.user))
        return self.get_paginated_response(AlertSerializer(page, many=True).data)

    @extend_schema(
        request=AlertCreateSerializer,
        responses={201: AlertSerializer},
        summary="Send a crisis alert (communications; leaders for their units)",
    )
    def post(self, request):
        data = AlertCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alerts.alert_send(sender=request.user, **data.validated_data)
        alert = selectors.alert_visible(user=request.user, alert_id=alert.pk)
        return Response(AlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class AlertDetailView(APIView):
    open_before_start_date = True

    @extend_schema(responses=AlertSerializer, summary="One alert")
    def get(self, request, alert_id: int):
        alert = selectors.alert_visible(user=request.user, alert_id=alert_id)
        return Response(AlertSerializer(alert).data)


class AlertAnswerView(APIView):
    open_before_start_date = True

    @extend_schema(
        request=AlertAnswerSerializer,
        responses=AlertAnswerResultSerializer,
        summary='Answer an alert: "Jeg er OK", "Jeg har brug for hjælp" or acknowledged',
    )
    def post(self, request, alert_id: int):
        data = AlertAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recipient = alerts.alert_answer(
            user=request.user, alert_id=alert_id, answer=data.validated_data["answer"]
        )
        return Response(AlertAnswerResultSerializer(recipient).data)


class AlertRollCallView(APIView):
    @extend_schema(
        responses=RollCallSerializer,
        summary="Live roll-call per unit (sender, communications, leaders of the people)",
    )
    def get(self, request, alert_id: int):
        alert = selectors.alert_monitored(user=request.user, alert_id=alert_id)
        units = list(selectors.roll_call_by_unit(alert=alert, viewer=request.user))
        return Response(RollCallSerializer({"alert": alert.pk, "units": units}).data)


class AlertPeopleView(GenericAPIView):
    serializer_class = RollCallPersonSerializer
    queryset = AlertRecipient.objects.none()  # for the schema; the rows come from the selector

    @extend_schema(
        parameters=[RollCallQuerySerializer],
        responses=RollCallPersonSerializer(many=True),
        operation_id="push_alerts_people_list",
        summary="The people of the roll-call, with phone numbers to call",
    )
    def get(self, request, alert_id: int):
        alert = selectors.alert_monitored(user=request.user, alert_id=alert_id)
        query = RollCallQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        people = selectors.roll_call_people(
            alert=alert, viewer=request.user, status=query.validated_data.get("status")
        )
        page = self.paginate_queryset(people)
        return self.get_paginated_response(RollCallPersonSerializer(page, many=True).data)


class SmsReportView(APIView):
    """GatewayAPI's delivery-status callback: signed by the gateway, not by a person."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        summary="SMS delivery report (webhook for the SMS gateway)",
        description=(
            "GatewayAPI calls this with a delivery status notification. The request must carry "
            "`X-Gwapi-Signature`: a JWT (HS256) signed with SMS_CALLBACK_SECRET whose claims "
            "are the report itself; anything else answers 401 and changes nothing."
        ),
        request=SmsReportSerializer,
        responses={
            204: OpenApiResponse(description="Recorded (or already known)."),
            400: OpenApiResponse(description="The report is not one."),
            401: OpenApiResponse(description="Missing or wrong signature."),
        },
        auth=[],
    )
    def post(self, request):
        claims = selectors.sms_report_claims(request.headers.get("X-Gwapi-Signature", ""))
        if claims is None:
            raise NotAuthenticated(_("Ugyldig signatur."))
        serializer = SmsReportSerializer(data=claims)
        serializer.is_valid(raise_exception=True)
        report = serializer.validated_data
        if report["userref"].isdigit():
            services.sms_report_record(
                delivery_id=int(report["userref"]),
                status=report["status"],
                reported_at=datetime.fromtimestamp(report["time"], tz=UTC),
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
