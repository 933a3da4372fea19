"""Input and output shapes of the onboarding API. No serializer here queries per row.

Quiz answers: HR's track view shows which options are correct (HR writes them); a journey step
shows them only once the step is done, so the correct answers never reach the person before
completion.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    IdField,
    IdListField,
    LinkField,
    StrictInputSerializer,
)

from . import schedule
from .models import (
    DEFAULT_PASS_MARK,
    DEFAULT_TIME_OF_DAY,
    MAX_OFFSET_DAYS,
    Doer,
    JourneyStatus,
    MeetWith,
    StepKind,
    StepStatus,
    TrackKind,
)


class OnboardingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OnboardingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OnboardingHireSerializer(OnboardingPersonSerializer):
    job_title = serializers.CharField()
    unit = OnboardingUnitSerializer(allow_null=True)


class OnboardingPostSerializer(serializers.Serializer):
    """The post or info page a `read` step links to (open it at /api/v1/posts/{id}/)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()


class OnboardingTrackRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=TrackKind.choices)


# --- Tracks (HR) --------------------------------------------------------------------------


class TrackQuizOptionInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=300)
    correct = BooleanField(default=False)


class TrackQuizQuestionInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=500)
    options = TrackQuizOptionInputSerializer(many=True, allow_empty=False, min_length=1)


class StepInputSerializer(StrictInputSerializer):
    """One step; `requires` is the 0-based index of an earlier step in the same list."""

    id = IdField(required=False, help_text=_("Et eksisterende trin i forløbet, der skal beholdes."))
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=StepKind.choices)
    doer = serializers.ChoiceField(choices=Doer.choices, default=Doer.NEW_HIRE)
    offset_days = serializers.IntegerField(min_value=-MAX_OFFSET_DAYS, max_value=MAX_OFFSET_DAYS)
    time_of_day = serializers.TimeField(default=DEFAULT_TIME_OF_DAY)
    url = LinkField(max_length=500, required=False, allow_blank=True, default="")
    meet_with = serializers.ChoiceField(
        choices=MeetWith.choices, required=False, allow_blank=True, default=""
    )
    meet_person = IdField(required=False, allow_null=True, default=None)
    post_id = IdField(required=False, allow_null=True, default=None)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100, default=DEFAULT_PASS_MARK)
    requires = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    questions = TrackQuizQuestionInputSerializer(many=True, required=False, default=list)


class JourneyStepInputSerializer(StepInputSerializer):
    """A step HR adds to one person's journey."""

    id = None
    requires = None


class TrackInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=TrackKind.choices, default=TrackKind.ONBOARDING)
    audience = IdField(required=False, allow_null=True, default=None)
    auto_assign = BooleanField(default=False)
    is_active = BooleanField(default=True)
    steps = StepInputSerializer(many=True, required=False, default=list)


class TrackUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=TrackKind.choices, required=False)
    audience = IdField(required=False, allow_null=True)
    auto_assign = BooleanField(required=False)
    is_active = BooleanField(required=False)


class TrackStepsInputSerializer(StrictInputSerializer):
    steps = StepInputSerializer(many=True)


class TrackQuizOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = BooleanField(source="is_correct")


class TrackQuizQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    options = TrackQuizOptionSerializer(many=True, source="options.all")


class TrackStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    kind = serializers.ChoiceField(choices=StepKind.choices)
    doer = serializers.ChoiceField(choices=Doer.choices)
    offset_days = serializers.IntegerField()
    time_of_day = serializers.TimeField()
    url = serializers.CharField()
    meet_with = serializers.CharField()
    meet_person = OnboardingPersonSerializer(allow_null=True)
    post = OnboardingPostSerializer(allow_null=True)
    pass_mark = serializers.IntegerField()
    requires = serializers.IntegerField(
        source="requires.position",
        allow_null=True,
        default=None,
        help_text=_("Rækkefølgen (0-baseret) af det trin, der skal være gennemført først."),
    )
    questions = TrackQuizQuestionSerializer(many=True, source="questions.all")


class TrackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=TrackKind.choices)
    audience = serializers.IntegerField(source="audience_id", allow_null=True)
    auto_assign = BooleanField()
    is_active = BooleanField()
    version = serializers.IntegerField()
    step_count = serializers.IntegerField()
    active_journey_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class TrackDetailSerializer(TrackSerializer):
    steps = TrackStepSerializer(many=True, source="steps.all")


class TrackCheckpointSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    journeys = serializers.IntegerField(help_text=_("Forløb, der er nået så langt."))
    percent_done = serializers.IntegerField(allow_null=True)


class TrackOverdueStepSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    title = serializers.CharField()
    overdue_count = serializers.IntegerField()


class TrackSummarySerializer(serializers.Serializer):
    track = serializers.IntegerField()
    journeys = serializers.IntegerField()
    checkpoints = TrackCheckpointSerializer(many=True)
    most_overdue_steps = TrackOverdueStepSerializer(many=True)


# --- Journey steps ------------------------------------------------------------------------


class JourneyQuizOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = BooleanField(required=False, help_text=_("Kun med, når trinnet er gennemført."))


class JourneyQuizQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    options = JourneyQuizOptionSerializer(many=True)


def quiz_for_client(step) -> list[dict]:
    """The quiz as the client may see it: correct answers only once the step is done."""
    reveal = step.status == StepStatus.DONE
    return [
        {
            "id": question["id"],
            "text": question["text"],
            "options": [
                {"id": o["id"], "text": o["text"], **({"correct": o["correct"]} if reveal else {})}
                for o in question["options"]
            ],
        }
        for question in step.quiz
    ]


class JourneyStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    journey = serializers.IntegerField(source="journey_id")
    title = serializers.CharField()
    body_html = serializers.CharField()
    kind = serializers.ChoiceField(choices=StepKind.choices)
    doer = serializers.ChoiceField(choices=Doer.choices)
    doer_person = OnboardingPersonSerializer(source="doer_user", allow_null=True)
    day = serializers.IntegerField(
        source="offset_days", help_text=_("Dage fra startdatoen; negativ er før første dag.")
    )
    due_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=StepStatus.choices)
    locked = serializers.SerializerMethodField(
        help_text=_("Venter på, at et tidligere trin bliver gennemført.")
    )
    overdue = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()
    meet_with = serializers.CharField()
    meet_person = OnboardingPersonSerializer(allow_null=True)
    post = OnboardingPostSerializer(allow_null=True)
    pass_mark = serializers.IntegerField()
    best_score = serializers.IntegerField(allow_null=True)
    attempt_count = serializers.IntegerField()
    requires = serializers.IntegerField(source="requires_id", allow_null=True)
    added_for_person = serializers.SerializerMethodField()
    quiz = serializers.SerializerMethodField()

    def get_locked(self, step) -> bool:
        return bool(step.requires_id and step.requires.status == StepStatus.OPEN)

    def get_overdue(self, step) -> bool:
        return step.status == StepStatus.OPEN and step.due_at < self.context["overdue_before"]

    def get_added_for_person(self, step) -> bool:
        return step.added_by_id is not None

    @extend_schema_field(JourneyQuizQuestionSerializer(many=True))
    def get_quiz(self, step) -> list[dict]:
        return quiz_for_client(step)


class OwedStepSerializer(JourneyStepSerializer):
    """A step I must do in someone else's journey: whose it is."""

    hire = OnboardingPersonSerializer(source="journey.user")
    track = OnboardingTrackRefSerializer(source="journey.track")


class StepCompleteInputSerializer(StrictInputSerializer):
    answers = serializers.DictField(
        child=IdListField(allow_empty=False, min_length=1, max_length=100),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Kun for en quiz: spørgsmålets id → de valgte svarmuligheders id'er."),
    )


class StepSkipInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class StepQuizResultSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    passed = BooleanField()
    pass_mark = serializers.IntegerField()
    attempt_count = serializers.IntegerField()


class StepCompleteResultSerializer(serializers.Serializer):
    step = JourneyStepSerializer()
    quiz_result = StepQuizResultSerializer(allow_null=True)


# --- Journeys -----------------------------------------------------------------------------


class JourneyAssignSerializer(StrictInputSerializer):
    user = IdField(help_text=_("Den nyansatte."))
    track = IdField()
    start_date = DateField(
        near=True,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Standard: personens startdato (slutdato ved offboarding)."),
    )
    buddy = IdField(required=False, allow_null=True, default=None)


class JourneyUpdateSerializer(StrictInputSerializer):
    start_date = DateField(
        near=True,
        required=False,
        help_text=_("Flytter de åbne trin; gennemførte trin bliver stående."),
    )
    buddy = IdField(required=False, allow_null=True)
    leader = IdField(required=False, allow_null=True)
    hr_contact = IdField(required=False, allow_null=True)


class JourneyProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = OnboardingHireSerializer()
    track = OnboardingTrackRefSerializer()
    track_version = serializers.IntegerField()
    start_date = serializers.DateField(source="anchor_date")
    status = serializers.ChoiceField(choices=JourneyStatus.choices)
    leader = OnboardingPersonSerializer(allow_null=True)
    buddy = OnboardingPersonSerializer(allow_null=True)
    days_since_start = serializers.SerializerMethodField()
    steps_total = serializers.IntegerField(source="steps_counted")
    steps_done = serializers.IntegerField()
    percent_done = serializers.IntegerField()
    overdue_steps = serializers.IntegerField(source="steps_overdue")
    quiz_score_avg = serializers.FloatField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_days_since_start(self, journey) -> int:
        return (self.context["today"] - journey.anchor_date).days


class JourneyDetailSerializer(JourneyProgressSerializer):
    steps = JourneyStepSerializer(many=True, source="steps.all")


class MyJourneySerializer(serializers.Serializer):
    """One of my journeys, with its progress counted from the steps already loaded."""

    id = serializers.IntegerField()
    track = OnboardingTrackRefSerializer()
    start_date = serializers.DateField(source="anchor_date")
    status = serializers.ChoiceField(choices=JourneyStatus.choices)
    leader = OnboardingPersonSerializer(allow_null=True)
    buddy = OnboardingPersonSerializer(allow_null=True)
    days_since_start = serializers.SerializerMethodField()
    percent_done = serializers.SerializerMethodField()
    steps = JourneyStepSerializer(many=True, source="steps.all")

    def get_days_since_start(self, journey) -> int:
        return (self.context["today"] - journey.anchor_date).days

    def get_percent_done(self, journey) -> int:
        counted = [s for s in journey.steps.all() if s.status != StepStatus.SKIPPED]
        if not counted:
            return 100
        return 100 * sum(s.status == StepStatus.DONE for s in counted) // len(counted)


class MyJourneyResponseSerializer(serializers.Serializer):
    preboarding = BooleanField(
        help_text=_("Før startdatoen: appen viser kun forløbet og de opslag, det linker til.")
    )
    journeys = MyJourneySerializer(many=True)
    owed = OwedStepSerializer(
        many=True, help_text=_("Åbne trin, jeg skal udføre i andres forløb (leder, makker, HR).")
    )
    next = JourneyStepSerializer(
        allow_null=True, help_text=_("Det næste åbne trin, jeg selv skal gøre.")
    )


def serializer_context(*, now: datetime) -> dict:
    """What the serializers compare against, computed once per request (no query)."""
    return {
        "today": schedule.local_today(now),
        "overdue_before": now - timedelta(days=settings.ONBOARDING_OVERDUE_DAYS),
    }
