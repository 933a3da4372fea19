"""Input and output shapes of the surveys API. No serializer here queries per row."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    DateField,
    DateTimeField,
    IdField,
    IdListField,
    IdRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from org.models import Audience

from .models import (
    MIN_FREE_TEXT_FLOOR,
    MIN_GROUP_FLOOR,
    Indicator,
    Pillar,
    QuestionKind,
    Recurrence,
)
from .templates import TEMPLATES


class OptionInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=300)
    is_correct = serializers.BooleanField(default=False)


class QuestionInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    indicator = serializers.ChoiceField(choices=Indicator.choices, required=False, allow_blank=True)
    custom_indicator = serializers.CharField(max_length=60, required=False, allow_blank=True)
    pillar = serializers.ChoiceField(choices=Pillar.choices, required=False, allow_blank=True)
    options = OptionInputSerializer(many=True, required=False)


class SurveyInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    anonymous = serializers.BooleanField(required=False)
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
    is_active = serializers.BooleanField(required=False)
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
    is_correct = serializers.BooleanField()


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
    anonymous = serializers.BooleanField()
    audience = serializers.IntegerField(source="audience_id", allow_null=True)
    min_group_size = serializers.IntegerField()
    min_free_text_group_size = serializers.IntegerField()
    recurrence = serializers.ChoiceField(choices=Recurrence.choices)
    first_opens_at = serializers.DateTimeField(allow_null=True)
    open_days = serializers.IntegerField()
    ends_on = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
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
    anonymous = serializers.BooleanField()


class OpenWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = OpenSurveySerializer()
    number = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField()
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
    correct = serializers.BooleanField()
    correct_options = serializers.ListField(
        child=serializers.IntegerField(), source="correct_option_ids"
    )


class ResponseReceiptSerializer(serializers.Serializer):
    knowledge = KnowledgeFeedbackSerializer(
        many=True, help_text=_("De rigtige svar på videnspørgsmålene, vist efter besvarelsen.")
    )


# --- Results ------------------------------------------------------------------------------


class ResultsQuerySerializer(QuerySerializer):
    wave = IdField(required=False)
    unit = IdField(required=False)
    format = serializers.ChoiceField(choices=["json", "csv", "xlsx"], required=False)


class IndicatorsQuerySerializer(QuerySerializer):
    unit = IdField(required=False)
    scope = serializers.ChoiceField(choices=["mine", "organisation"], required=False)
    to = DateField(required=False)

    def validate(self, attrs):
        if attrs.get("scope") == "organisation" and attrs.get("unit") is not None:
            raise serializers.ValidationError(
                {"unit": [_("Hele organisationen kan ikke afgrænses til en enhed.")]}
            )
        return attrs

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateField(required=False)  # a keyword in Python
        return fields
