"""GET /api/v1/cascades/report/: the number communications reports on, for communications.

Its own module (serializer, view, route) beside the cascade API, over `reporting.area_report`:
the same figures the dashboard's Kaskade page shows.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.permissions import role_permission
from org.models import Role

from . import reporting

IsCommunications = role_permission(Role.COMMUNICATIONS, Role.ADMIN)


class AreaReportSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        source="unit.pk", allow_null=True, help_text="The område; null: none above."
    )
    unit_name = serializers.CharField(source="unit.name", allow_null=True)
    cascades = serializers.IntegerField(help_text="Cascades whose last level reaches the area.")
    completed = serializers.IntegerField(help_text="Of those, the ones that reached everyone.")
    median_seconds = serializers.IntegerField(
        allow_null=True,
        help_text="Median, over the completed ones, from the start to the last employee "
        "reached (told at a meeting, or the last read of the must-read); null: none completed.",
    )


class CascadeReportSerializer(serializers.Serializer):
    areas = AreaReportSerializer(many=True)


@extend_schema(tags=["cascade"])
class CascadeReportView(GenericAPIView):
    permission_classes = [IsCommunications]
    serializer_class = CascadeReportSerializer

    @extend_schema(
        summary="Over all cascades: median time from start to the last employee, per area"
    )
    def get(self, request):
        return Response(CascadeReportSerializer({"areas": reporting.area_report()}).data)


urlpatterns = [
    path("cascades/report/", CascadeReportView.as_view(), name="cascade-report"),
]
