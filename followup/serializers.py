"""Follow-up input and output. Output serializers read only what the selectors joined."""

from rest_framework import serializers

from api.serializers import BooleanField, DateField, IdField, QuerySerializer, StrictInputSerializer

from .models import ActionStatus

TEXT_MAX = 2000
WHO_MAX = 200


class ActionCreateSerializer(StrictInputSerializer):
    question = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A question whose result was shown.",
    )
    indicator = serializers.CharField(
        max_length=110,
        required=False,
        allow_blank=True,
        default="",
        help_text="Or an indicator key whose result was shown (one of the two).",
    )
    what = serializers.CharField(max_length=TEXT_MAX, help_text="What we will do.")
    who = serializers.CharField(max_length=WHO_MAX, help_text="Who does it.")
    due_on = DateField(near=True, help_text="By when.")


class ActionUpdateSerializer(StrictInputSerializer):
    what = serializers.CharField(max_length=TEXT_MAX, required=False)
    who = serializers.CharField(max_length=WHO_MAX, required=False)
    due_on = DateField(near=True, required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    followup = serializers.IntegerField(source="followup_id")
    unit = serializers.IntegerField(source="followup.unit_id")
    unit_name = serializers.CharField(source="followup.unit.name")
    survey_title = serializers.CharField(source="followup.wave.survey.title")
    wave_number = serializers.IntegerField(source="followup.wave.number")
    question = serializers.IntegerField(source="question_id", allow_null=True)
    indicator = serializers.CharField()
    topic = serializers.CharField(help_text="The question's text or the indicator's name.")
    what = serializers.CharField()
    who = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    author_name = serializers.CharField(source="author.name")
    post = serializers.IntegerField(source="post_id", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField(source="wave.survey_id")
    survey_title = serializers.CharField(source="wave.survey.title")
    wave = serializers.IntegerField(source="wave_id")
    wave_number = serializers.IntegerField(source="wave.number")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    closed_at = serializers.DateTimeField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    action_count = serializers.IntegerField()
    published_count = serializers.IntegerField()


class ShownQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    indicator = serializers.CharField()
    answers = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    favourable_share = serializers.FloatField(allow_null=True)
    enps = serializers.IntegerField(allow_null=True)
    share_correct = serializers.FloatField(allow_null=True)


class ShownIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ShownResultSerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    questions = ShownQuestionSerializer(many=True)
    indicators = ShownIndicatorSerializer(many=True)


class FollowUpWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()


class FollowUpQuestionResultSerializer(serializers.Serializer):
    wave = FollowUpWaveSerializer()
    question = serializers.IntegerField()
    text = serializers.CharField()
    withheld = BooleanField(help_text="The next wave is still open: no numbers yet.")
    shown = BooleanField(help_text="False when suppressed for the unit.")
    answers = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    favourable_share = serializers.FloatField(allow_null=True)


class FollowUpDetailSerializer(serializers.Serializer):
    followup = FollowUpSerializer()
    result = ShownResultSerializer(
        allow_null=True, help_text="What the leader may see of the unit's result; null if none."
    )
    actions = ActionSerializer(many=True)
    followup_question = FollowUpQuestionResultSerializer(
        allow_null=True,
        help_text="'Har du oplevet, at der er fulgt op på sidste måling?' in the next wave.",
    )


class AreaFollowUpSerializer(serializers.Serializer):
    area = serializers.IntegerField(source="area_id", allow_null=True)
    name = serializers.CharField()
    leaders = serializers.IntegerField()
    followed_up = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(
        allow_null=True, help_text="Median days from the wave closing to a leader's first share."
    )


class OverviewWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField(source="survey_id")
    survey_title = serializers.CharField(source="survey.title")
    number = serializers.IntegerField()
    closes_at = serializers.DateTimeField()


class OverviewSerializer(serializers.Serializer):
    wave = OverviewWaveSerializer(allow_null=True)
    areas = AreaFollowUpSerializer(many=True)


class OverviewQuerySerializer(QuerySerializer):
    wave = IdField(required=False, help_text="A wave with follow-ups; default the latest.")


class IncludedQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField(source="survey_id")
    position = serializers.IntegerField()
    text = serializers.CharField()
