"""Input and output shapes of the organisation API. No serializer here queries per row."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    IdRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from backend.errors import ApplicationError

from .models import Language, OrgUnit, ReadingLanguage, Role, User


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    path = serializers.CharField(help_text=_("Forfædrenes id'er, fx /1/5/12/."))
    depth = serializers.IntegerField()
    member_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


def _roles(user: User) -> list[str]:
    return sorted(user.role_set)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    employee_number = serializers.CharField(allow_null=True)
    job_title = serializers.CharField()
    unit = UnitRefSerializer(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices)
    reading_language = serializers.ChoiceField(
        choices=ReadingLanguage.choices,
        allow_blank=True,
        help_text=_("Sproget opslag vises i, når der er en godkendt udgave; tom: appens sprog."),
    )
    share_email = BooleanField()
    share_phone = BooleanField()
    roles = serializers.SerializerMethodField()
    leads_units = serializers.SerializerMethodField()

    def get_roles(self, user: User) -> list[str]:
        return _roles(user)

    def get_leads_units(self, user: User) -> list[int]:
        return sorted(scope.unit_id for scope in user.scopes.all())


class MeUpdateSerializer(StrictInputSerializer):
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    reading_language = serializers.ChoiceField(
        choices=ReadingLanguage.choices, required=False, allow_blank=True
    )
    share_email = BooleanField(required=False)
    share_phone = BooleanField(required=False)


class PersonSerializer(serializers.Serializer):
    """A colleague in the directory. E-mail and phone are null unless the viewer may see them.

    The view passes `contact_visible`: a callable deciding, without a query, whether the
    viewer may see this person's contact details.
    """

    id = serializers.IntegerField()
    name = serializers.CharField()
    job_title = serializers.CharField()
    unit = UnitRefSerializer(allow_null=True)
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    def _visible(self, person: User, field: str) -> bool:
        return self.context["contact_visible"](person, field)

    def get_email(self, person: User) -> str | None:
        return person.email if self._visible(person, "email") else None

    def get_phone(self, person: User) -> str | None:
        return person.phone if self._visible(person, "phone") else None

    def get_roles(self, person: User) -> list[str]:
        return _roles(person)


class PersonRecordSerializer(serializers.Serializer):
    """A person as HR sees them."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    employee_number = serializers.CharField(allow_null=True)
    job_title = serializers.CharField()
    unit = UnitRefSerializer(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices)
    is_active = BooleanField()
    invited_at = serializers.DateTimeField(allow_null=True)
    erased_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Sat, når personens oplysninger er slettet (anonymiseret).")
    )
    roles = serializers.SerializerMethodField()

    def get_roles(self, person: User) -> list[str]:
        return _roles(person)


class PersonInviteSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=32)
    employee_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=32
    )
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    unit = IdRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    # Employment dates reach back decades (long-serving staff): from 1900, not near today.
    start_date = DateField(required=False, allow_null=True)
    end_date = DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DA)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        required=False,
        default=list,
        max_length=len(Role.choices),
    )

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise ApplicationError(
                _("Slutdato før startdato."),
                code="end_before_start",
                fields={"end_date": [_("Slutdato før startdato.")]},
            )
        return attrs


class PersonUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=32)
    employee_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=32
    )
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    unit = IdRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    # Employment dates reach back decades (long-serving staff): from 1900, not near today.
    start_date = DateField(required=False, allow_null=True)
    end_date = DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)


class PersonalDataExportSerializer(serializers.Serializer):
    """All personal data about one person (GDPR art. 15 and 20)."""

    format = serializers.CharField(help_text=_("Udtrækkets format og version."))
    generated_at = serializers.DateTimeField()
    person = serializers.IntegerField()
    categories = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_(
            "Én nøgle pr. kategori: profile, access_log, devices, push_preferences, "
            "notifications, alert_answers, read_receipts, acknowledgements, rsvps, "
            "decisions_owned, onboarding, survey_participation, survey_identified_answers. "
            "Anonyme svar er aldrig med: de er ikke knyttet til personen."
        ),
    )


class RecordQuerySerializer(QuerySerializer):
    purpose = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="Why you look (logged)."
    )


class ExportQuerySerializer(QuerySerializer):
    purpose = serializers.CharField(min_length=3, max_length=300, help_text="Why (logged).")


class EraseInputSerializer(StrictInputSerializer):
    confirm = BooleanField(
        true_only=True,
        help_text=_("Skal være true: sletningen kan ikke fortrydes."),
        error_messages={"not_true": _("Bekræft sletningen med true.")},
    )
