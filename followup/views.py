"""The follow-up API: a leader's tasks and actions, the unit's actions, communications'
overview, and the standard question. Views stay thin."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.pagination import PageNumberPagination
from api.permissions import role_permission
from backend.errors import NotFoundError
from org.models import Role
from surveys import selectors as survey_selectors

from . import selectors, services
from .models import Action, FollowUp
from .serializers import (
    ActionCreateSerializer,
    ActionSerializer,
    ActionUpdateSerializer,
    FollowUpDetailSerializer,
    FollowUpSerializer,
    IncludedQuestionSerializer,
    OverviewQuerySerializer,
    OverviewSerializer,
)

IsCommunications = role_permission(Role.COMMUNICATIONS, Role.ADMIN)
IsSurveyManager = role_permission(Role.COMMUNICATIONS, Role.HR, Role.ADMIN)


def _with_topics(actions):
    """Attach each action's topic (question text or indicator name) for the serializer."""
    actions = list(actions)
    strategy = None
    if any(a.question_id is None for a in actions):
        from surveys.strategy import strategy_active

        strategy = strategy_active()
    for action in actions:
        action.topic = selectors.topic_label(action, strategy=strategy)
    return actions


@extend_schema(tags=["followup"])
class MyFollowUpsView(ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return FollowUp.objects.none()
        return selectors.my_followups(user=self.request.user)

    @extend_schema(summary="My follow-up tasks: closed waves with a shown result for my units")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _detail(user, followup) -> dict:
    return {
        "followup": followup,
        "result": selectors.visible_result(
            leader=user, wave=followup.wave, unit_id=followup.unit_id
        ),
        "actions": _with_topics(selectors.actions_of(followup=followup)),
        "followup_question": selectors.followup_question_result(followup=followup),
    }


@extend_schema(tags=["followup"])
class FollowUpDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowUpDetailSerializer

    @extend_schema(
        summary="One follow-up: the unit's shown result, the actions, and the follow-up "
        "question's result in the next wave (suppressed as the results are)"
    )
    def get(self, request, pk: int):
        followup = selectors.followup_get(actor=request.user, followup_id=pk)
        return Response(FollowUpDetailSerializer(_detail(request.user, followup)).data)


@extend_schema(tags=["followup"])
class FollowUpActionsView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ActionSerializer

    @extend_schema(
        summary="Write an action about a question or indicator whose result I could see",
        request=ActionCreateSerializer,
        responses={201: ActionSerializer},
    )
    def post(self, request, pk: int):
        followup = selectors.followup_get(actor=request.user, followup_id=pk)
        data = ActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.action_create(
            actor=request.user, followup=followup, **data.validated_data
        )
        action = selectors.action_for_leader(actor=request.user, action_id=action.pk)
        return Response(ActionSerializer(_with_topics([action])[0]).data, status=201)


@extend_schema(tags=["followup"])
class FollowUpPublishView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowUpDetailSerializer

    @extend_schema(
        summary="Share the new actions with the unit: a post with a push",
        request=None,
        responses={200: FollowUpDetailSerializer},
    )
    def post(self, request, pk: int):
        followup = selectors.followup_get(actor=request.user, followup_id=pk)
        services.followup_publish(actor=request.user, followup=followup)
        followup = selectors.followup_get(actor=request.user, followup_id=pk)
        return Response(FollowUpDetailSerializer(_detail(request.user, followup)).data)


@extend_schema(tags=["followup"])
class UnitActionsView(ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    serializer_class = ActionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Action.objects.none()
        return selectors.actions_for_member(user=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else _with_topics(page)

    @extend_schema(summary="What my unit's leaders said they would do, with status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["followup"])
class ActionDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ActionSerializer

    @extend_schema(summary="One of my unit's actions")
    def get(self, request, pk: int):
        action = selectors.action_for_member(user=request.user, action_id=pk)
        return Response(ActionSerializer(_with_topics([action])[0]).data)

    @extend_schema(
        summary="Update one of my actions: status (planned, in progress, done), what, who, date",
        request=ActionUpdateSerializer,
        responses={200: ActionSerializer},
    )
    def patch(self, request, pk: int):
        action = selectors.action_for_leader(actor=request.user, action_id=pk)
        data = ActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_update(actor=request.user, action=action, **data.validated_data)
        action = selectors.action_for_leader(actor=request.user, action_id=pk)
        return Response(ActionSerializer(_with_topics([action])[0]).data)

    @extend_schema(summary="Delete one of my actions not yet shared", responses={204: None})
    def delete(self, request, pk: int):
        action = selectors.action_for_leader(actor=request.user, action_id=pk)
        services.action_delete(actor=request.user, action=action)
        return Response(status=204)


@extend_schema(tags=["followup"])
class OverviewView(GenericAPIView):
    permission_classes = [IsCommunications]
    serializer_class = OverviewSerializer

    @extend_schema(
        summary="Per area: leaders asked to follow up on a wave, how many shared an action, and "
        "the median days from the wave closing to their first share",
        parameters=[OverviewQuerySerializer],
    )
    def get(self, request):
        query = OverviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        waves = selectors.waves_with_followups()
        wave_id = query.validated_data.get("wave")
        wave = waves.filter(pk=wave_id).first() if wave_id else waves.first()
        if wave_id and wave is None:
            raise NotFoundError(_("Runden findes ikke."))
        areas = selectors.followup_by_area(wave=wave) if wave else []
        return Response(OverviewSerializer({"wave": wave, "areas": areas}).data)


@extend_schema(tags=["followup"])
class IncludeQuestionView(GenericAPIView):
    permission_classes = [IsSurveyManager]
    serializer_class = IncludedQuestionSerializer

    @extend_schema(
        summary="Ask 'Har du oplevet, at der er fulgt op på sidste måling?' in the survey's "
        "next waves (idempotent; refused while a wave is open)",
        request=None,
        responses={200: IncludedQuestionSerializer},
    )
    def post(self, request, pk: int):
        survey = survey_selectors.survey_list().filter(pk=pk).first()
        if survey is None:
            raise NotFoundError(_("Undersøgelsen findes ikke."))
        question = services.survey_followup_question_include(survey=survey)
        return Response(IncludedQuestionSerializer(question).data)
