"""The surveys API: authoring, answering, results and the strategy scorecard. Views stay thin."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.permissions import role_permission
from api.throttling import SUBMIT_THROTTLES
from backend.errors import ApplicationError
from org.models import Role

from . import results, selectors, services
from .exports import CSVRenderer, XLSXRenderer
from .models import Survey, Wave
from .serializers import (
    FromTemplateSerializer,
    IndicatorsQuerySerializer,
    OpenWaveSerializer,
    ResponseInputSerializer,
    ResponseReceiptSerializer,
    ResultsQuerySerializer,
    ScorecardSerializer,
    SurveyInputSerializer,
    SurveyResultsSerializer,
    SurveySerializer,
    SurveyUpdateSerializer,
)

IsSurveyAuthor = role_permission(Role.COMMUNICATIONS, Role.HR, Role.ADMIN)
IsResultsReader = role_permission(Role.COMMUNICATIONS, Role.LEADER)

RESULTS_DESCRIPTION = (
    "Per question: distribution, mean, favourable share (4–5), eNPS, share correct; per unit in "
    "the caller's scope (`units`, each `shown` or suppressed), and the trend across waves for "
    "the top units. Groups under the wave's minimum are suppressed, including complementary "
    "suppression; small units are folded into their parent (`folded_units`). Free texts need "
    "the free-text minimum and come in random order. `format=csv|xlsx` exports the same.\n\n"
    "Only a closed wave has numbers. While the wave is open (`results_withheld`), each unit "
    "gives only `response_rate`, rounded down to whole tenths, and only where at least the "
    "wave's minimum group size were invited; nothing computed from the answers is returned "
    "until the wave closes, so two reads cannot be subtracted to reveal an answer. The trend "
    "holds closed waves only."
)


def _survey_body(survey_id: int) -> dict:
    return SurveySerializer(selectors.survey_list().get(pk=survey_id)).data


@extend_schema(tags=["surveys"])
class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Surveys, their questions and schedule (communications and HR)."""

    serializer_class = SurveySerializer

    def get_permissions(self):
        if self.action == "results":
            return [IsResultsReader()]
        return [IsSurveyAuthor()]

    def get_queryset(self):
        if self.action == "results":
            return Survey.objects.all()
        return selectors.survey_list()

    @extend_schema(request=SurveyInputSerializer, responses={201: SurveySerializer})
    def create(self, request):
        data = SurveyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survey = services.survey_create(created_by=request.user, **data.validated_data)
        return Response(_survey_body(survey.pk), status=201)

    @extend_schema(request=SurveyUpdateSerializer, responses=SurveySerializer)
    def partial_update(self, request, pk=None):
        survey = self.get_object()
        data = SurveyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.survey_update(survey=survey, **data.validated_data)
        return Response(_survey_body(survey.pk))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.survey_delete(survey=self.get_object())
        return Response(status=204)

    @extend_schema(
        summary="Create a survey from a ready template",
        request=FromTemplateSerializer,
        responses={201: SurveySerializer},
    )
    @action(detail=False, methods=["post"], url_path="from-template")
    def from_template(self, request):
        data = FromTemplateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        survey = services.survey_create_from_template(
            key=fields.pop("template"), created_by=request.user, **fields
        )
        return Response(_survey_body(survey.pk), status=201)

    @extend_schema(
        summary="Results per unit and wave, suppressed (leaders: own scope; communications)",
        description=RESULTS_DESCRIPTION,
        parameters=[ResultsQuerySerializer],
        responses={
            (200, "application/json"): SurveyResultsSerializer,
            # Files: a generated client reads them as bytes.
            (200, CSVRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="UTF-8 with a byte-order mark."
            ),
            (200, XLSXRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, CSVRenderer, XLSXRenderer],
    )
    def results(self, request, pk=None):
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        survey = self.get_object()
        data = results.survey_results(
            survey=survey,
            viewer=request.user,
            wave_id=query.validated_data.get("wave"),
            unit_id=query.validated_data.get("unit"),
        )
        fmt = request.accepted_renderer.format
        headers = {}
        if fmt in ("csv", "xlsx"):
            headers["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.{fmt}"'
        return Response(data, headers=headers)


@extend_schema(tags=["surveys"], summary="Open waves I am invited to and have not answered")
class OpenWavesView(ListAPIView):
    serializer_class = OpenWaveSerializer
    queryset = Wave.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.open_waves_for(user=self.request.user, now=timezone.now())


@extend_schema(
    tags=["surveys"],
    summary="Submit all answers to a wave, once",
    request=ResponseInputSerializer,
    responses={201: ResponseReceiptSerializer},
)
class ResponseCreateView(GenericAPIView):
    serializer_class = ResponseInputSerializer
    throttle_classes = SUBMIT_THROTTLES

    def post(self, request, wave_id: int):
        wave = selectors.wave_for_invitee(user=request.user, wave_id=wave_id)
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.response_submit(
            wave=wave, user=request.user, answers=data.validated_data["answers"]
        )
        return Response(ResponseReceiptSerializer({"knowledge": feedback}).data, status=201)


@extend_schema(
    tags=["surveys"],
    summary="The strategy scorecard: each indicator per wave, for your scope",
    description=(
        "Each indicator's points per closed wave, one per top unit of your scope (`unit.id` "
        "null is the whole organisation), suppressed below the wave's minimum group size. "
        "An open wave has no points until it closes. "
        "`scope=organisation` gives a leader the whole organisation's line in the same shape: "
        "one point per wave, the root of the wave's frozen unit tree, suppressed by the same "
        "rule, so together with your own scope it reveals no group below the minimum."
    ),
    parameters=[IndicatorsQuerySerializer],
    responses=ScorecardSerializer,
)
class IndicatorsView(GenericAPIView):
    permission_classes = [IsResultsReader]

    def get(self, request):
        query = IndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("from") and params.get("to") and params["from"] > params["to"]:
            raise ApplicationError(
                _("Perioden slutter før den begynder."), fields={"to": [_("Vælg en senere dato.")]}
            )
        if params.get("scope") == "organisation":
            return Response(
                results.organisation_scorecard(
                    viewer=request.user, date_from=params.get("from"), date_to=params.get("to")
                )
            )
        return Response(
            results.indicator_scorecard(
                viewer=request.user,
                unit_id=params.get("unit"),
                date_from=params.get("from"),
                date_to=params.get("to"),
            )
        )
