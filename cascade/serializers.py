"""Cascade input and output. Output serializers read only what the selectors joined."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    DateTimeField,
    IdField,
    IdRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from org.models import OrgUnit

from .models import Question
from .questions import TEXT_MAX
from .services import MAX_LEVELS

NOTE_MAX = 4000


class CascadeStartSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=20000, help_text="Markdown: kort fortalt.")
    talking_points = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default=""
    )
    root_unit = IdRelatedField(queryset=OrgUnit.objects.filter(closed_at__isnull=True))
    deadlines = serializers.ListField(
        child=DateTimeField(near=True),
        min_length=1,
        max_length=MAX_LEVELS,
        help_text="One deadline per level, from the root unit down.",
    )
    pillar = serializers.SlugField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A pillar of the active strategy's core narrative, by its key.",
    )


class PassOnSerializer(StrictInputSerializer):
    local_note = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default=""
    )


class TellSerializer(PassOnSerializer):
    told_on = DateField(near=True, required=False, allow_null=True, default=None)
    attendance = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True, default=None
    )
    publish = BooleanField(
        required=False, default=False, help_text="Publish it to the team as a must-read."
    )

    def validate(self, attrs):
        if attrs["told_on"] is None and not attrs["publish"]:
            raise serializers.ValidationError(
                {"told_on": [_("Angiv mødedatoen eller udgiv budskabet som skal-læses.")]}
            )
        return attrs


class DelegateSerializer(StrictInputSerializer):
    deputy = IdField()


class CascadeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    message = serializers.CharField()
    talking_points = serializers.CharField()
    root_unit = serializers.IntegerField(source="root_unit_id")
    root_unit_name = serializers.CharField(source="root_unit.name")
    started_at = serializers.DateTimeField()
    pillar = serializers.CharField(help_text="The core-narrative pillar's key; blank for none.")


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cascade = CascadeSerializer()
    level = serializers.IntegerField(source="level.number")
    deadline = serializers.DateTimeField(source="level.deadline")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    leader = serializers.IntegerField(source="leader_id", allow_null=True)
    deputy = serializers.IntegerField(source="deputy_id", allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    passed_on_at = serializers.DateTimeField(allow_null=True)
    local_note = serializers.CharField()
    told_on = serializers.DateField(allow_null=True)
    attendance = serializers.IntegerField(allow_null=True)
    post = serializers.IntegerField(source="post_id", allow_null=True)


class UnitProgressSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    parent_unit = serializers.IntegerField(source="unit.parent_id", allow_null=True)
    leader_name = serializers.CharField(source="leader.name", allow_null=True, default=None)
    deputy_name = serializers.CharField(source="deputy.name", allow_null=True, default=None)
    received_at = serializers.DateTimeField(allow_null=True)
    passed_on_at = serializers.DateTimeField(allow_null=True)
    overdue = BooleanField()
    told_on = serializers.DateField(allow_null=True)
    attendance = serializers.IntegerField(allow_null=True)
    post = serializers.IntegerField(source="post_id", allow_null=True)
    read = serializers.IntegerField(source="read_count")
    acknowledged = serializers.IntegerField(source="acknowledged_count")


class LevelProgressSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    units = serializers.IntegerField()
    received = serializers.IntegerField()
    passed_on = serializers.IntegerField()
    overdue = serializers.IntegerField()
    told = serializers.IntegerField()
    attendance = serializers.IntegerField()
    read = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    seconds = serializers.IntegerField(
        allow_null=True, help_text="First receipt to last pass-on; null until all passed on."
    )
    unit_rows = UnitProgressSerializer(source="tasks", many=True)


class ProgressSerializer(serializers.Serializer):
    cascade = CascadeSerializer()
    levels = LevelProgressSerializer(many=True)


# --- The way up ---------------------------------------------------------------------------


class QuestionAskSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=TEXT_MAX)
    kind = serializers.ChoiceField(choices=Question.Kind.choices, default=Question.Kind.QUESTION)
    anonymous = BooleanField(
        help_text="True: nothing that leads back to you is stored; you cannot follow it."
    )


class QuestionAnswerSerializer(StrictInputSerializer):
    answer = serializers.CharField(max_length=TEXT_MAX)
    visibility = serializers.ChoiceField(
        choices=Question.Visibility.choices,
        default=Question.Visibility.ASKER,
        help_text="Who reads the answer: the (named) asker, or everyone in the asker's unit.",
    )


class QuestionForwardSerializer(StrictInputSerializer):
    comment = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default=""
    )


class QuestionTopicSerializer(StrictInputSerializer):
    topic = serializers.CharField(max_length=100, allow_blank=True)


class QuestionListQuery(QuerySerializer):
    cascade = IdField(required=False, help_text="Only this cascade's questions.")
    open = BooleanField(required=False, default=False, help_text="Only unanswered questions.")


class CascadeQuestionHopSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="task.unit_id", allow_null=True, default=None)
    unit_name = serializers.CharField(
        source="task.unit.name",
        allow_null=True,
        default=None,
        help_text="Null: communications.",
    )
    comment = serializers.CharField()
    arrived_on = serializers.DateField()


class CascadeQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cascade = serializers.IntegerField(source="cascade_id")
    cascade_title = serializers.CharField(source="cascade.title")
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField()
    anonymous = BooleanField()
    asked_by_me = serializers.SerializerMethodField()
    asked_on = serializers.DateField()
    origin_unit = serializers.IntegerField(source="origin.unit_id")
    origin_unit_name = serializers.CharField(source="origin.unit.name")
    holder_unit = serializers.IntegerField(source="holder.unit_id", allow_null=True, default=None)
    holder_unit_name = serializers.CharField(
        source="holder.unit.name", allow_null=True, default=None
    )
    at_top = BooleanField(help_text="With communications, past the top of the cascade.")
    topic = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_visibility = serializers.CharField(help_text="asker, unit, or blank until answered.")
    hops = serializers.SerializerMethodField()

    def get_asked_by_me(self, question) -> bool:
        viewer = self.context.get("viewer")
        return viewer is not None and question.asker_id == viewer.pk

    def get_hops(self, question) -> list[dict]:
        """Where it has been, with the leaders' comments: for leaders and communications."""
        if not self.context.get("show_path"):
            return []
        return CascadeQuestionHopSerializer(question.hops.all(), many=True).data

    # The schema of the method fields.
    get_hops = extend_schema_field(CascadeQuestionHopSerializer(many=True))(get_hops)
    get_asked_by_me = extend_schema_field(OpenApiTypes.BOOL)(get_asked_by_me)


class FaqPublishSerializer(StrictInputSerializer):
    question = IdField(
        required=False, allow_null=True, default=None, help_text="The question it answers."
    )
    question_text = serializers.CharField(max_length=TEXT_MAX)
    answer = serializers.CharField(max_length=TEXT_MAX)


class CascadeFaqItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cascade = serializers.IntegerField(source="cascade_id")
    question_text = serializers.CharField()
    answer = serializers.CharField()
    published_at = serializers.DateTimeField()


class CascadeAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class CascadeAttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, PNG, JPEG, GIF eller WebP."))


class KnowledgeWaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField()
    number = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    phase = serializers.ChoiceField(choices=["before", "after"])


class KnowledgeUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    level = serializers.IntegerField()
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="Share of correct answers about the pillar, per wave; null unless shown.",
    )
    states = serializers.ListField(
        child=serializers.ChoiceField(choices=["shown", "suppressed", "not_measured"])
    )


class CascadeKnowledgeSerializer(serializers.Serializer):
    pillar = serializers.CharField()
    label = serializers.CharField()
    waves = KnowledgeWaveSerializer(many=True)
    units = KnowledgeUnitSerializer(many=True)
