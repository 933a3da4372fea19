"""The organisation API: me, the unit tree, the colleague directory, HR's person records."""

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.pagination import LargePageNumberPagination
from api.permissions import role_permission
from api.serializers import DateTimeField, IdField, QuerySerializer

from . import erasure, selectors, services
from .models import AccessLog, LeaderScope, Role, User
from .serializers import (
    EraseInputSerializer,
    ExportQuerySerializer,
    MeSerializer,
    MeUpdateSerializer,
    PersonalDataExportSerializer,
    PersonInviteSerializer,
    PersonRecordSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    RecordQuerySerializer,
    UnitSerializer,
)

IsHR = role_permission(Role.HR, Role.ADMIN)


class UpdatedSinceQuery(QuerySerializer):
    updated_since = DateTimeField(required=False, help_text="Only what changed after this instant.")


def _me(user_id: int) -> User:
    return (
        User.objects.select_related("unit")
        .prefetch_related(
            "roles", Prefetch("scopes", queryset=LeaderScope.objects.only("unit_id", "leader_id"))
        )
        .get(pk=user_id)
    )


class MeView(GenericAPIView):
    open_before_start_date = True

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer, summary="My profile")
    def get(self, request):
        return Response(MeSerializer(_me(request.user.pk)).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, summary="Change my settings")
    def patch(self, request):
        data = MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_profile_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(_me(request.user.pk)).data)


def _export_response(user: User) -> Response:
    document = selectors.personal_data_export(user=user)
    return Response(
        document,
        headers={"Content-Disposition": f'attachment; filename="bro-persondata-{user.pk}.json"'},
    )


class MeExportView(GenericAPIView):
    open_before_start_date = True

    serializer_class = PersonalDataExportSerializer

    @extend_schema(
        summary="Everything stored about me, as one JSON document (GDPR)",
        description=(
            "Profile, devices, push preferences, notifications, read receipts, "
            "acknowledgements, RSVPs, onboarding progress, survey participation (never "
            "anonymous answers) and the log of who has looked at my data and why."
        ),
        responses=PersonalDataExportSerializer,
    )
    def get(self, request):
        return _export_response(request.user)


@extend_schema_view(list=extend_schema(parameters=[UpdatedSinceQuery], summary="The unit tree"))
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitSerializer
    pagination_class = LargePageNumberPagination

    def get_queryset(self):
        units = selectors.unit_list().annotate(
            member_count=Count("members", filter=Q(members__is_active=True))
        )
        query = UpdatedSinceQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if since := query.validated_data.get("updated_since"):
            units = units.filter(updated_at__gt=since)
        return units


class DirectoryQuery(QuerySerializer):
    q = serializers.CharField(
        required=False,
        max_length=100,
        allow_blank=True,
        help_text="Search in name, job title and unit.",
    )
    unit = IdField(required=False, help_text="Only this unit and the units under it.")


@extend_schema_view(
    list=extend_schema(
        summary="Colleague directory",
        parameters=[DirectoryQuery],
        responses=PersonSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One colleague", responses=PersonSerializer),
)
class PeopleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The directory for everyone signed in; invitations and HR records for HR."""

    serializer_class = PersonSerializer

    def get_permissions(self):
        if self.action in {
            "create",
            "partial_update",
            "deactivate",
            "reactivate",
            "record",
            "export",
            "erase",
        }:
            return [IsHR()]
        return super().get_permissions()

    def get_queryset(self):
        if self.action in {"list", "retrieve"}:
            query = DirectoryQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return selectors.people_directory(
                viewer=self.request.user,
                search=query.validated_data.get("q", ""),
                unit_id=query.validated_data.get("unit"),
            )
        return selectors.people_manageable_by(actor=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        viewer = self.request.user
        if viewer.has_role(Role.HR, Role.ADMIN):
            context["contact_visible"] = lambda person, field: True
            return context
        # A leader sees the contact details of the people it leads; one query for the scope.
        scope_units = (
            set(selectors.units_in_scope(leader=viewer).values_list("pk", flat=True))
            if viewer.has_role(Role.LEADER)
            else set()
        )

        def contact_visible(person: User, field: str) -> bool:
            shared = person.share_email if field == "email" else person.share_phone
            return shared or person.pk == viewer.pk or person.unit_id in scope_units

        context["contact_visible"] = contact_visible
        return context

    @extend_schema(
        summary="Invite a new hire (HR)",
        request=PersonInviteSerializer,
        responses={201: PersonRecordSerializer},
    )
    def create(self, request):
        data = PersonInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.user_invite(invited_by=request.user, **data.validated_data)
        person = selectors.user_with_roles(user_id=person.pk)
        return Response(PersonRecordSerializer(person).data, status=201)

    @extend_schema(
        summary="Change a person's HR record (HR)",
        request=PersonUpdateSerializer,
        responses=PersonRecordSerializer,
    )
    def partial_update(self, request, pk=None):
        person = self.get_object()
        data = PersonUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_update(actor=request.user, user=person, **data.validated_data)
        return Response(PersonRecordSerializer(selectors.user_with_roles(user_id=person.pk)).data)

    @extend_schema(
        summary="A person's HR record (HR); the reading is written to the access log",
        parameters=[RecordQuerySerializer],
        responses=PersonRecordSerializer,
    )
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):
        query = RecordQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = self.get_object()
        services.access_log_record(
            actor=request.user,
            subject_id=person.pk,
            what=AccessLog.What.PERSON_RECORD,
            purpose=query.validated_data.get("purpose", ""),
        )
        return Response(PersonRecordSerializer(person).data)

    @extend_schema(
        summary="Everything stored about a person, for HR; needs a purpose, which is logged",
        parameters=[ExportQuerySerializer],
        responses=PersonalDataExportSerializer,
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = self.get_object()
        services.access_log_record(
            actor=request.user,
            subject_id=person.pk,
            what=AccessLog.What.EXPORT,
            purpose=query.validated_data["purpose"],
        )
        return _export_response(person)

    @extend_schema(
        summary="Erase a person's identity for good (HR): anonymised, devices and inbox deleted",
        description=(
            "Sessions end; the profile becomes 'Tidligere medarbejder' without e-mail, phone, "
            "employee number or job title; devices, inbox and preferences are deleted; "
            "running journeys are cancelled. Statistics and anonymous survey answers stay. "
            "Refused (409 archive_hold) while RETENTION_ARCHIVE_HOLD is on."
        ),
        request=EraseInputSerializer,
        responses=PersonRecordSerializer,
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        data = EraseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = erasure.user_erase(actor=request.user, user=self.get_object())
        return Response(PersonRecordSerializer(selectors.user_with_roles(user_id=person.pk)).data)

    @extend_schema(
        summary="Deactivate: end all sessions and stop access (HR)",
        request=None,
        responses=PersonRecordSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        person = services.user_deactivate(user=self.get_object())
        return Response(PersonRecordSerializer(selectors.user_with_roles(user_id=person.pk)).data)

    @extend_schema(
        summary="Reactivate; the person logs in again by code (HR)",
        request=None,
        responses=PersonRecordSerializer,
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        person = services.user_reactivate(user=self.get_object())
        return Response(PersonRecordSerializer(selectors.user_with_roles(user_id=person.pk)).data)
