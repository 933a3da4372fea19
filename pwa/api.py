"""The API the staff app needs beyond the apps' own: web push config, link tokens, SSO hand-off."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import BooleanField, StrictInputSerializer
from backend.errors import ApplicationError, NotFoundError
from push.links import LinkTarget

from . import sso


class PushConfigSerializer(serializers.Serializer):
    enabled = BooleanField(help_text="False: web push is not configured.")
    api_key = serializers.CharField(required=False)
    project_id = serializers.CharField(required=False)
    messaging_sender_id = serializers.CharField(required=False)
    app_id = serializers.CharField(required=False)
    vapid_key = serializers.CharField(required=False, help_text="The web push public key.")


def push_config() -> dict:
    values = {
        "api_key": settings.FCM_WEB_API_KEY,
        "project_id": settings.FCM_PROJECT_ID,
        "messaging_sender_id": settings.FCM_WEB_MESSAGING_SENDER_ID,
        "app_id": settings.FCM_WEB_APP_ID,
        "vapid_key": settings.FCM_WEB_VAPID_KEY,
    }
    if not all(values.values()):
        return {"enabled": False}
    return {"enabled": True, **values}


class PushConfigView(APIView):
    @extend_schema(
        tags=["app"],
        summary="The Firebase web configuration for web push in the app",
        description=(
            "Public values (they ship in any web client). `enabled` is false until the "
            "operator sets all of them; the app then registers its FCM token as a `web` "
            "device with POST /api/v1/push/devices/."
        ),
        responses=PushConfigSerializer,
    )
    def get(self, request):
        return Response(push_config())


class LinkTargetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["post", "wave"])
    object_id = serializers.IntegerField()


class LinkTargetView(APIView):
    @extend_schema(
        tags=["app"],
        summary="What the link token in X-Link-Token opens",
        description=(
            "For the app opened from a link sent by SMS or e-mail (/app/#/l/<token>): the "
            "post or survey wave the token stands for. With X-Link-Token the API opens only "
            "that object's routes; 404 for a caller without one."
        ),
        responses=LinkTargetSerializer,
    )
    def get(self, request):
        if not isinstance(request.auth, LinkTarget):
            raise NotFoundError(_("Der er intet link i denne forespørgsel."))
        return Response({"kind": request.auth.kind, "object_id": request.auth.object_id})


class SsoSessionInputSerializer(StrictInputSerializer):
    code = serializers.CharField(max_length=100, help_text="From /app/#/sso?code=…")
    verifier = serializers.CharField(
        min_length=43, max_length=128, help_text="The secret whose SHA-256 started the flow."
    )


class SsoSessionView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["app"],
        summary="Exchange a work-account login's one-time code for an app session token",
        description=(
            "The end of the app's work-account login: GET /app/sso/start/?challenge=… sends "
            "the browser to the provider and back to /app/#/sso?code=…; this turns that code "
            "and the verifier behind the challenge (SHA-256, base64url) into a session token "
            "for X-Session-Token. A code works once, for two minutes."
        ),
        request=SsoSessionInputSerializer,
        responses=inline_serializer("SsoSession", {"session_token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request):
        data = SsoSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redeemed = sso.code_redeem(**data.validated_data)
        if redeemed is None:
            raise ApplicationError(
                _("Login-koden er ugyldig, brugt eller udløbet. Log ind igen."),
                code="sso_code_invalid",
            )
        token = sso.app_session_open(
            request._request, user=redeemed.user, logout_hint=redeemed.logout_hint
        )
        return Response({"session_token": token})


class AppLogoutView(APIView):
    @extend_schema(
        tags=["app"],
        summary="Log the app out: end its session token, and where the provider logs out",
        description=(
            "Ends the session of X-Session-Token at once (as DELETE "
            "/_allauth/app/v1/auth/session does; the device registered under it is retired). "
            "For a session opened by a work-account login, where the provider offers "
            "RP-initiated logout, `provider_logout_url` is its end-session URL: the app sends "
            "the browser there, and the provider sends it back to /app/ (register that as a "
            "post-logout redirect URI). Otherwise it is null. No request body."
        ),
        request=None,
        responses=inline_serializer(
            "AppLogout",
            {"provider_logout_url": serializers.URLField(allow_null=True)},
        ),
    )
    def post(self, request):
        if request.data:
            raise ApplicationError(_("Log ud tager ingen felter."), code="unexpected_fields")
        url = sso.app_session_close(request._request, user=request.user, session=request.auth)
        return Response({"provider_logout_url": url})
