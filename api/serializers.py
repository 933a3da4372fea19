"""Serializer building blocks shared by the apps' APIs."""

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know, instead of dropping them.

    A misspelt field silently ignored is a change the caller believes happened and did not.
    """

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Forventede et JSON-objekt.")]}
            )
        unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError({name: [_("Ukendt felt.")] for name in unknown})
        return super().to_internal_value(data)
