"""Input and output shapes of the surveys API. No serializer here queries per row."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    DateTimeField,
    IdField,
    IdListField,
    IdRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from backend.errors import ApplicationError
from org.models import Audience

from .models import (
    MIN_FREE_TEXT_FLOOR,
    MIN_GROUP_FLOOR,
    QuestionKind,
    Recurrence,
    Wave,
)
from .templates import TEMPLATES


class OptionInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=300)
    is_correct = BooleanField(default=False)


class QuestionInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    indicator = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_("Et måls nøgle i kommunikationsstrategien, 'enps', 'custom' eller tom."),
    )
    custom_indicator = serializers.CharField(max_length=60, required=False, allow_blank=True)
    pillar = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_("En styrkepositions nøgle i kommunikationsstrategien (kun videnspørgsmål)."),
    )
    options = OptionInputSerializer(many=True, required=False)


class SurveyInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    anonymous = BooleanField(required=False)
    audience = IdRelatedField(queryset=Audience.objects.all(), required=False, allow_null=True)
    min_group_size = serializers.IntegerField(
        required=False, min_value=MIN_GROUP_FLOOR, max_value=1000
    )
    min_free_text_group_size = serializers.IntegerField(
        required=False, min_value=MIN_FREE_TEXT_FLOOR, max_value=1000
    )
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)
    first_opens_at = DateTimeField(near=True, required=False, allow_null=True)
    open_days = serializers.IntegerField(required=False, min_value=1, max_value=90)
    ends_on = DateField(near=True, required=False, allow_null=True)
    is_active = BooleanField(required=False)
    questions = QuestionInputSerializer(many=True, required=False, max_length=100)


class SurveyUpdateSerializer(SurveyInputSerializer):
    title = serializers.CharField(max_length=200, required=False)


class FromTemplateSerializer(StrictInputSerializer):
    template = serializers.ChoiceField(choices=sorted(TEMPLATES))
    audience = IdRelatedField(queryset=Audience.objects.all(), required=False, allow_null=True)
    first_opens_at = DateTimeField(near=True, required=False, allow_null=True)


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    is_correct = BooleanField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    indicator = serializers.CharField(help_text=_("Fast indikator, 'custom' eller tom."))
    custom_indicator = serializers.CharField()
    pillar = serializers.CharField()
    options = OptionSerializer(many=True)


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    anonymous = BooleanField()
    audience = serializers.IntegerField(source="audience_id", allow_null=True)
    min_group_size = serializers.IntegerField()
    min_free_text_group_size = serializers.IntegerField()
    recurrence = serializers.ChoiceField(choices=Recurrence.choices)
    first_opens_at = serializers.DateTimeField(allow_null=True)
    open_days = serializers.IntegerField()
    ends_on = serializers.DateField(allow_null=True)
    is_active = BooleanField()
    wave_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    questions = QuestionSerializer(many=True)


# --- Answering ----------------------------------------------------------------------------


class OpenOptionSerializer(serializers.Serializer):
    """An option as a respondent sees it: never whether it is correct."""

    id = serializers.IntegerField()
    text = serializers.CharField()


class OpenQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    required = serializers.SerializerMethodField()
    options = OpenOptionSerializer(many=True)

    def get_required(self, question) -> bool:
        return question.kind != QuestionKind.FREE_TEXT


class OpenSurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    anonymous = BooleanField()


class OpenWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = OpenSurveySerializer()
    number = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    anonymous = BooleanField()
    questions = OpenQuestionSerializer(many=True, source="survey.questions.all")


class AnswerInputSerializer(StrictInputSerializer):
    question = IdField()
    value = serializers.IntegerField(required=False, allow_null=True)
    options = IdListField(required=False, allow_null=True, max_length=50)
    text = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )


class ResponseInputSerializer(StrictInputSerializer):
    answers = AnswerInputSerializer(many=True, max_length=200)


class KnowledgeFeedbackSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    correct = BooleanField()
    correct_options = serializers.ListField(
        child=serializers.IntegerField(), source="correct_option_ids"
    )


class ResponseReceiptSerializer(serializers.Serializer):
    knowledge = KnowledgeFeedbackSerializer(
        many=True, help_text=_("De rigtige svar på videnspørgsmålene, vist efter besvarelsen.")
    )


# --- Results ------------------------------------------------------------------------------


class ResultsQuerySerializer(QuerySerializer):
    wave = IdField(required=False, help_text="A wave of this survey (default: latest).")
    unit = IdField(required=False, help_text="A unit in your scope and those under it.")
    format = serializers.ChoiceField(choices=["json", "csv", "xlsx"], required=False)


class IndicatorsQuerySerializer(QuerySerializer):
    unit = IdField(required=False, help_text="A unit in your scope (default: your scope).")
    scope = serializers.ChoiceField(
        choices=["mine", "organisation"],
        required=False,
        help_text="`organisation`: the whole organisation's line (not with `unit`).",
    )
    to = DateField(required=False, help_text="Waves opening on or before.")

    def validate(self, attrs):
        if attrs.get("scope") == "organisation" and attrs.get("unit") is not None:
            raise ApplicationError(
                _("Hele organisationen kan ikke afgrænses til en enhed."),
                code="scope_with_unit",
                fields={"unit": [_("Hele organisationen kan ikke afgrænses til en enhed.")]},
            )
        return attrs

    def get_fields(self):
        fields = super().get_fields()
        # a keyword in Python
        fields["from"] = DateField(required=False, help_text="Waves opening on or after.")
        return fields


# --- Results and scorecard output (for the schema: they describe the JSON results.py builds) --


class ResultsSurveyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ResultsOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    is_correct = BooleanField()


class ResultsQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    indicator = serializers.CharField(
        help_text=_("Indikatoren: en fast, 'custom:<navn>' eller tom.")
    )
    pillar = serializers.CharField(help_text=_("Styrkeposition (videnspørgsmål) eller tom."))
    options = ResultsOptionSerializer(many=True)


class WaveRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField()
    number = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Wave.Status.choices)


class ResultsUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text=_("Tom (null): hele organisationen."))
    name = serializers.CharField()


class QuestionNumbersSerializer(serializers.Serializer):
    """One question's numbers in one unit; which appear depends on the kind of question."""

    question = serializers.IntegerField()
    answers = serializers.IntegerField(required=False, min_value=1)
    mean = serializers.FloatField(required=False, help_text=_("Likert og skala."))
    favourable_share = serializers.FloatField(
        required=False, help_text=_("Likert: andelen af svar 4–5.")
    )
    enps = serializers.IntegerField(required=False, help_text=_("Skala: eNPS, −100 til 100."))
    share_correct = serializers.FloatField(
        required=False, help_text=_("Videnspørgsmål: andelen af rigtige svar.")
    )


class UnitQuestionResultSerializer(QuestionNumbersSerializer):
    distribution = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text=_(
            "Antal svar pr. værdi (1–5, 0–10) eller pr. svarmulighed (id); null for fritekst."
        ),
    )
    texts_shown = BooleanField(
        required=False, help_text=_("Fritekst: om gruppen når fritekst-minimum.")
    )
    texts = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Fritekst, i tilfældig rækkefølge; kun når texts_shown."),
    )


class UnitResultSerializer(serializers.Serializer):
    """One unit of a wave: numbers when `shown`; for an open wave only `response_rate`."""

    unit = ResultsUnitRefSerializer()
    shown = BooleanField(help_text=_("Om enhedens tal vises; altid false i en åben runde."))
    respondents = serializers.IntegerField(required=False)
    invited = serializers.IntegerField(required=False, allow_null=True)
    response_rate = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text=_(
            "Lukket runde: svar/inviterede (null under fem inviterede). Åben runde: rundet ned "
            "til hele tiendedele, null hvor færre end rundens mindste gruppe er inviteret."
        ),
    )
    folded_units = ResultsUnitRefSerializer(many=True, required=False)
    questions = UnitQuestionResultSerializer(many=True, required=False)


class TrendPointSerializer(serializers.Serializer):
    unit = ResultsUnitRefSerializer()
    shown = BooleanField()
    respondents = serializers.IntegerField(required=False)
    questions = QuestionNumbersSerializer(many=True, required=False)


class TrendWaveSerializer(serializers.Serializer):
    wave = WaveRefSerializer()
    units = TrendPointSerializer(many=True)


class SurveyResultsSerializer(serializers.Serializer):
    survey = ResultsSurveyRefSerializer()
    questions = ResultsQuestionSerializer(many=True)
    wave = WaveRefSerializer(allow_null=True)
    results_withheld = BooleanField(
        help_text=_(
            "Runden er åben: ingen tal ud fra svarene, kun svarprocent pr. enhed, før den lukker."
        )
    )
    units = UnitResultSerializer(many=True)
    trend = TrendWaveSerializer(
        many=True, help_text=_("De lukkede runder, for de øverste enheder i dit område.")
    )


class IndicatorPointSerializer(serializers.Serializer):
    wave = WaveRefSerializer()
    survey_title = serializers.CharField()
    unit = ResultsUnitRefSerializer()
    shown = BooleanField()
    respondents = serializers.IntegerField(required=False)
    knowledge_share_correct = serializers.FloatField(required=False, allow_null=True)
    favourable_share = serializers.FloatField(required=False, allow_null=True)
    enps = serializers.IntegerField(required=False, allow_null=True)
    pillars = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text=_("Andel rigtige svar pr. styrkeposition."),
    )
    score = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text=_("Viden (andel rigtige), ellers eNPS, ellers andel positive svar."),
    )
    target_met = BooleanField(
        required=False,
        allow_null=True,
        help_text=_("Om scoren når målværdien; tom uden målværdi eller uden score."),
    )


class TargetSerializer(serializers.Serializer):
    value = serializers.FloatField(
        help_text=_("I scorens enhed: en andel mellem 0 og 1, eller eNPS-point.")
    )
    due = serializers.DateField(allow_null=True, help_text=_("Dagen, målet skal være nået."))


class IndicatorSeriesSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField(help_text=_("Målets ordlyd i kommunikationsstrategien."))
    is_goal = BooleanField(help_text=_("Et mål i den aktive kommunikationsstrategi."))
    target = TargetSerializer(allow_null=True)
    waves = IndicatorPointSerializer(many=True)


class ScorecardSerializer(serializers.Serializer):
    indicators = IndicatorSeriesSerializer(
        many=True, help_text=_("Kun lukkede runder: en åben rundes tal vises, når den lukker.")
    )
