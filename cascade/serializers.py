"""Cascade input and output. Output serializers read only what the selectors joined."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    DateTimeField,
    IdField,
    IdRelatedField,
    StrictInputSerializer,
)
from org.models import OrgUnit

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
