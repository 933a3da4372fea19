"""Reads of the organisation, already narrowed to what the caller may see."""

from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, NotFoundError

from . import personal_data
from .models import (
    Audience,
    AudienceJobTitle,
    AudienceRole,
    AudienceUnit,
    LeaderScope,
    OrgUnit,
    Role,
    User,
    UserRole,
)


def unit_list() -> QuerySet[OrgUnit]:
    """Every unit, in tree order (a parent before its children)."""
    return OrgUnit.objects.all().order_by("path")


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and everything under it: one indexed prefix match on the path."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def _scope_rule_for(*, leader: User, path_ref) -> Exists:
    """True where `path_ref` (a unit path) lies in one of the leader's scopes."""
    return Exists(
        LeaderScope.objects.filter(leader=leader).filter(StartsWith(path_ref, F("unit__path")))
    )


def units_in_scope(*, leader: User) -> QuerySet[OrgUnit]:
    """The units a leader leads and everything below them."""
    return OrgUnit.objects.filter(_scope_rule_for(leader=leader, path_ref=OuterRef("path")))


def users_in_scope(*, leader: User) -> QuerySet[User]:
    """The people in the units a leader leads and below them."""
    return User.objects.filter(_scope_rule_for(leader=leader, path_ref=OuterRef("unit__path")))


def user_is_in_scope(*, leader: User, user: User) -> bool:
    return users_in_scope(leader=leader).filter(pk=user.pk).exists()


def user_with_roles(*, user_id: int) -> User | None:
    return (
        User.objects.select_related("unit")
        .prefetch_related("roles", "scopes__unit")
        .filter(pk=user_id)
        .first()
    )


def people_directory(*, viewer: User, search: str = "", unit_id: int | None = None):
    """Active colleagues, with their unit and roles joined, for the staff directory.

    `search` matches name, job title and unit name; `unit_id` narrows to that unit's subtree.
    """
    people = User.objects.filter(is_active=True).select_related("unit").prefetch_related("roles")
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(job_title__icontains=search)
            | Q(unit__name__icontains=search)
        )
    if unit_id is not None:
        people = people.filter(
            Exists(
                OrgUnit.objects.filter(pk=unit_id).filter(
                    StartsWith(OuterRef("unit__path"), F("path"))
                )
            )
        )
    return people.order_by("name", "id")


def people_manageable_by(*, actor: User) -> QuerySet[User]:
    """People whose profile the actor may change: everyone for HR/admin, else no one."""
    if actor.has_role(Role.HR, Role.ADMIN):
        return User.objects.select_related("unit").prefetch_related("roles")
    return User.objects.none()


def audience_members(*, audience: Audience) -> QuerySet[User]:
    """The active people an audience reaches, in one query (no Python loop over rules)."""
    return User.objects.filter(is_active=True).filter(
        audience_member_condition(audience_ref=audience.pk)
    )


def has_started_condition(*, on: date) -> Q:
    """A condition on User that holds for people who have started work by `on`.

    No start date counts as started. People who start later are pre-boarding: they see only
    their onboarding journey until day 1, so they are not invited to surveys.
    """
    return Q(start_date__isnull=True) | Q(start_date__lte=on)


def audience_member_condition(*, audience_ref) -> Q:
    """A condition on User that holds when the person is in the audience `audience_ref`.

    `audience_ref` is an id or an OuterRef, so other apps can embed it in their own queries.
    """
    if isinstance(audience_ref, int):
        # One audience: the units it covers are found once (a hashed subplan over the unit
        # table), not tested again for every person.
        covered = OrgUnit.objects.filter(
            Exists(
                AudienceUnit.objects.filter(audience_id=audience_ref).filter(
                    Q(unit_id=OuterRef("pk"))
                    | Q(StartsWith(OuterRef("path"), F("unit__path")), include_subtree=True)
                )
            )
        ).values("pk")
        unit_rule = Q(unit_id__in=covered)
    else:
        unit_rule = Exists(
            AudienceUnit.objects.filter(audience_id=audience_ref).filter(
                Q(unit_id=OuterRef("unit_id"))
                | Q(StartsWith(OuterRef("unit__path"), F("unit__path")), include_subtree=True)
            )
        )
    role_rule = Exists(
        AudienceRole.objects.filter(audience_id=audience_ref).filter(
            Exists(UserRole.objects.filter(user_id=OuterRef(OuterRef("pk")), role=OuterRef("role")))
        )
    )
    job_title_rule = Exists(
        AudienceJobTitle.objects.filter(
            audience_id=audience_ref, job_title__iexact=OuterRef("job_title")
        )
    )
    person_rule = Exists(
        Audience.people.through.objects.filter(audience_id=audience_ref, user_id=OuterRef("pk"))
    )
    everyone_rule = Exists(Audience.objects.filter(pk=audience_ref, everyone=True))
    return everyone_rule | unit_rule | role_rule | job_title_rule | person_rule


def audiences_including(*, user: User) -> QuerySet[Audience]:
    """The audiences a person is in, in one query: for "posts addressed to me" and the like.

    The person's unit ancestors come off the unit path, so the unit rules need no join.
    """
    unit_match = Q(unit_id=user.unit_id)
    if user.unit_id:
        unit_match |= Q(include_subtree=True, unit_id__in=user.unit.ancestor_ids)
    unit_rule = (
        Exists(AudienceUnit.objects.filter(audience_id=OuterRef("pk")).filter(unit_match))
        if user.unit_id
        else Q(pk__in=[])
    )
    role_rule = Exists(
        AudienceRole.objects.filter(
            audience_id=OuterRef("pk"),
            role__in=UserRole.objects.filter(user_id=user.pk).values("role"),
        )
    )
    job_title_rule = (
        Exists(
            AudienceJobTitle.objects.filter(
                audience_id=OuterRef("pk"), job_title__iexact=user.job_title
            )
        )
        if user.job_title
        else Q(pk__in=[])
    )
    person_rule = Exists(
        Audience.people.through.objects.filter(audience_id=OuterRef("pk"), user_id=user.pk)
    )
    return Audience.objects.filter(
        Q(everyone=True) | unit_rule | role_rule | job_title_rule | person_rule
    )


# The export's own version: a client or an archive can tell which shape it holds.
EXPORT_FORMAT = "bro-personal-data/1"


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything stored about the person, per category, as one JSON-able document.

    Each category is a fixed number of queries whatever the number of rows, so the export of
    a heavy user stays a few dozen queries (tests/gdpr pins the count).
    """
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "person": user.pk,
        "categories": {
            category: export(user) for category, export in personal_data.exporters().items()
        },
    }


def person_for_sso(*, field: str, value: str) -> User | None:
    """The person a work-account login names: by e-mail (any case) or by employee number.

    Deactivated people are returned too, so the caller can say why they are refused; erased
    people have no e-mail or employee number left and are never found.
    """
    value = value.strip()
    if not value:
        return None
    lookup = {"email__iexact": value} if field == "email" else {"employee_number": value}
    return User.objects.select_related("unit").filter(erased_at__isnull=True, **lookup).first()


# --- Ids into objects ----------------------------------------------------------------------
# The one convention for turning an id from a request into an object: an `<entity>_get`
# selector that returns it or raises the house error. An id that names the thing the request
# is about (the path, the person a journey is for) is NotFoundError (404); an id in a body
# field is an ApplicationError on that field (400), as a serializer's own field error would be.


def _missing(message: str, field: str | None) -> ApplicationError:
    if field is None:
        return NotFoundError(message)
    return ApplicationError(message, fields={field: [message]})


def person_get(*, person_id: int, field: str | None = None) -> User:
    """The active person with this id (with their unit), or the house error."""
    person = User.objects.select_related("unit").filter(pk=person_id, is_active=True).first()
    if person is None:
        raise _missing(_("Personen findes ikke."), field)
    return person


def audience_get(*, audience_id: int, field: str | None = "audience") -> Audience:
    """The audience with this id, or the house error (a field error on `audience`)."""
    audience = Audience.objects.filter(pk=audience_id).first()
    if audience is None:
        raise _missing(_("Målgruppen findes ikke."), field)
    return audience
