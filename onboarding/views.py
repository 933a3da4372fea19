"""The onboarding API: tracks (HR), journeys and progress (HR, leaders), my journey, steps."""

from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.permissions import role_permission
from api.serializers import BooleanField, DateField, IdField, QuerySerializer
from org import selectors as org_selectors
from org.models import AccessLog, Audience, Role, User
from org.services import access_log_record

from . import selectors, services
from .models import Journey, JourneyStatus, JourneyStep
from .serializers import (
    JourneyAssignSerializer,
    JourneyDetailSerializer,
    JourneyProgressSerializer,
    JourneyStepInputSerializer,
    JourneyStepSerializer,
    JourneyUpdateSerializer,
    MyJourneyResponseSerializer,
    StepCompleteInputSerializer,
    StepCompleteResultSerializer,
    StepSkipInputSerializer,
    TrackDetailSerializer,
    TrackInputSerializer,
    TrackSerializer,
    TrackStepsInputSerializer,
    TrackSummarySerializer,
    TrackUpdateSerializer,
    serializer_context,
)

IsHR = role_permission(Role.HR, Role.ADMIN)
IsHROrLeader = role_permission(Role.HR, Role.ADMIN, Role.LEADER)


def _person(person_id: int | None, *, field: str) -> User | None:
    """An active person named in a body field (None stays None)."""
    return None if person_id is None else org_selectors.person_get(person_id=person_id, field=field)


def _audience(audience_id: int | None) -> Audience | None:
    return None if audience_id is None else org_selectors.audience_get(audience_id=audience_id)


def _step_data(validated: dict) -> dict:
    data = dict(validated)
    data["meet_person"] = _person(data.get("meet_person"), field="meet_person")
    return data


# --- Tracks -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Onboarding tracks (HR)", responses=TrackSerializer(many=True)),
    retrieve=extend_schema(
        summary="One track with its ordered steps and quizzes (HR)",
        responses=TrackDetailSerializer,
    ),
)
class TrackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tracks HR builds; editing makes a new version and never rewrites running journeys."""

    permission_classes = [IsHR]
    serializer_class = TrackSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.track_list()
        return selectors.track_list().prefetch_related(selectors.track_steps_prefetch())

    def get_serializer_class(self):
        return TrackSerializer if self.action == "list" else TrackDetailSerializer

    def _detail(self, track_id: int) -> Response:
        return Response(TrackDetailSerializer(selectors.track_detail(track_id=track_id)).data)

    @extend_schema(
        summary="Create a track with its steps (HR)",
        request=TrackInputSerializer,
        responses={201: TrackDetailSerializer},
    )
    def create(self, request):
        data = TrackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["audience"] = _audience(values.get("audience"))
        values["steps"] = [_step_data(step) for step in values["steps"]]
        track = services.track_create(actor=request.user, **values)
        response = self._detail(track.pk)
        response.status_code = 201
        return response

    @extend_schema(
        summary="Change a track's name, audience or state (HR)",
        request=TrackUpdateSerializer,
        responses=TrackDetailSerializer,
    )
    def partial_update(self, request, pk=None):
        track = self.get_object()
        data = TrackUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "audience" in values:
            values["audience"] = _audience(values["audience"])
        services.track_update(actor=request.user, track=track, **values)
        return self._detail(track.pk)

    @extend_schema(
        summary="Replace the track's ordered steps (HR)",
        description=(
            "The list is the new order. A step with `id` keeps its identity; steps left out are "
            "removed. `requires` is the index of an earlier step in this list."
        ),
        request=TrackStepsInputSerializer,
        responses=TrackDetailSerializer,
    )
    @action(detail=True, methods=["put"])
    def steps(self, request, pk=None):
        track = self.get_object()
        data = TrackStepsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.track_steps_set(
            actor=request.user,
            track=track,
            steps=[_step_data(step) for step in data.validated_data["steps"]],
        )
        return self._detail(track.pk)

    @extend_schema(
        summary="How far new hires on this track are at day 7/30/90; most overdue steps (HR)",
        responses=TrackSummarySerializer,
    )
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        track = self.get_object()
        return Response(TrackSummarySerializer(selectors.track_summary(track=track)).data)


# --- Journeys -----------------------------------------------------------------------------


class JourneyQuery(QuerySerializer):
    unit = IdField(required=False, help_text="Only this unit and the units under it.")
    track = IdField(required=False)
    status = serializers.ChoiceField(choices=JourneyStatus.choices, required=False)
    started_from = DateField(required=False, help_text="Start date on or after.")
    started_to = DateField(required=False, help_text="Start date on or before.")
    overdue = BooleanField(required=False, help_text="Only journeys with overdue steps.")


@extend_schema_view(
    list=extend_schema(
        summary="Onboarding progress: HR sees everyone, a leader its own scope",
        parameters=[JourneyQuery],
        responses=JourneyProgressSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One journey with its steps (HR, leader)", responses=JourneyDetailSerializer
    ),
)
class JourneyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsHROrLeader]
    serializer_class = JourneyProgressSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Journey.objects.none()
        if self.action == "list":
            query = JourneyQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            params = query.validated_data
            return selectors.journey_progress_list(
                viewer=self.request.user,
                unit_id=params.get("unit"),
                track_id=params.get("track"),
                status=params.get("status"),
                started_from=params.get("started_from"),
                started_to=params.get("started_to"),
                overdue=params.get("overdue"),
                now=self.now,
            )
        queryset = selectors.journey_progress_list(viewer=self.request.user, now=self.now)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(selectors.journey_steps_prefetch())
        return queryset

    @cached_property
    def now(self):
        """One instant per request, so the list and its counts agree."""
        return timezone.now()

    def get_serializer_class(self):
        return JourneyDetailSerializer if self.action != "list" else JourneyProgressSerializer

    def retrieve(self, request, pk=None):
        journey = self.get_object()
        # HR or a leader reading someone's journey is personal data: one access-log row.
        access_log_record(
            actor=request.user,
            subject_id=journey.user_id,
            what=AccessLog.What.JOURNEY,
            object_id=journey.pk,
        )
        return Response(self.get_serializer(journey).data)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **serializer_context(now=self.now)}

    def _detail(self, journey_id: int, *, status: int = 200) -> Response:
        journey = selectors.journey_detail(viewer=self.request.user, journey_id=journey_id)
        context = self.get_serializer_context()
        return Response(JourneyDetailSerializer(journey, context=context).data, status=status)

    @extend_schema(
        summary="Assign a track to a person (HR; a leader for the people it leads)",
        request=JourneyAssignSerializer,
        responses={201: JourneyDetailSerializer},
    )
    def create(self, request):
        data = JourneyAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = org_selectors.person_get(person_id=values["user"])
        track = selectors.track_get(track_id=values["track"])
        journey = services.journey_assign(
            actor=request.user,
            user=user,
            track=track,
            start_date=values["start_date"],
            buddy=_person(values["buddy"], field="buddy"),
        )
        return self._detail(journey.pk, status=201)

    @extend_schema(
        summary="Move the start date (open steps only) or change buddy, leader, HR contact",
        request=JourneyUpdateSerializer,
        responses=JourneyDetailSerializer,
    )
    def partial_update(self, request, pk=None):
        journey = self.get_object()
        data = JourneyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for field in ("buddy", "leader", "hr_contact"):
            if field in values:
                values[field] = _person(values[field], field=field)
        services.journey_update(actor=request.user, journey=journey, **values)
        return self._detail(journey.pk)

    @extend_schema(
        summary="Cancel a journey: no more reminders (HR, leader)",
        request=None,
        responses=JourneyDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        journey = services.journey_cancel(actor=request.user, journey=self.get_object())
        return self._detail(journey.pk)

    @extend_schema(
        summary="Add a step to this person's journey only (HR)",
        request=JourneyStepInputSerializer,
        responses={201: JourneyStepSerializer},
    )
    @action(detail=True, methods=["post"], url_path="steps", permission_classes=[IsHR])
    def add_step(self, request, pk=None):
        journey = self.get_object()
        data = JourneyStepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = services.journey_step_add(
            actor=request.user, journey=journey, **_step_data(data.validated_data)
        )
        step = selectors.steps_visible_to(viewer=request.user).get(pk=step.pk)
        return Response(
            JourneyStepSerializer(step, context=self.get_serializer_context()).data, status=201
        )


# --- Doing --------------------------------------------------------------------------------


class MyJourneyView(GenericAPIView):
    open_before_start_date = True

    serializer_class = MyJourneyResponseSerializer

    @extend_schema(
        summary="My journey: my steps with due dates and status, what I owe others, what is next",
        responses=MyJourneyResponseSerializer,
    )
    def get(self, request):
        now = timezone.now()
        user = request.user
        journeys = list(selectors.my_journeys(user=user))
        payload = {
            "preboarding": selectors.user_is_preboarding(user=user),
            "journeys": journeys,
            "owed": list(selectors.steps_owed(user=user)),
            "next": selectors.next_step(user=user, journeys=journeys),
        }
        context = {"request": request, **serializer_context(now=now)}
        return Response(MyJourneyResponseSerializer(payload, context=context).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="One step (its doer, the new hire, their leader, HR)",
        responses=JourneyStepSerializer,
    )
)
class StepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    open_before_start_date = frozenset({"retrieve", "complete"})

    serializer_class = JourneyStepSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return JourneyStep.objects.none()
        return selectors.steps_visible_to(viewer=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **serializer_context(now=timezone.now())}

    @extend_schema(
        summary="Complete a step as its doer; a quiz with its answers, scored here",
        description=(
            "A quiz that does not reach its pass mark stays open and can be taken again; the "
            "correct answers appear in the step only once it is passed."
        ),
        request=StepCompleteInputSerializer,
        responses=StepCompleteResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        step = self.get_object()
        data = StepCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step, attempt = services.journey_step_complete(
            actor=request.user, step=step, answers=data.validated_data["answers"]
        )
        step = self.get_queryset().get(pk=step.pk)
        result = None
        if attempt is not None:
            result = {
                "score": attempt.score,
                "passed": attempt.passed,
                "pass_mark": step.pass_mark,
                "attempt_count": step.attempt_count,
            }
        return Response(
            StepCompleteResultSerializer(
                {"step": step, "quiz_result": result}, context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        summary="Skip a step for this one person (HR)",
        request=StepSkipInputSerializer,
        responses=JourneyStepSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[IsHR])
    def skip(self, request, pk=None):
        step = self.get_object()
        data = StepSkipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.journey_step_skip(
            actor=request.user, step=step, reason=data.validated_data["reason"]
        )
        step = self.get_queryset().get(pk=step.pk)
        return Response(JourneyStepSerializer(step, context=self.get_serializer_context()).data)
