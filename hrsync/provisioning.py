"""Writes made over SCIM: people and units provisioned by a client such as Microsoft Entra ID.

Each one goes through org's services, exactly as HR's own changes do: `active: false` is
org.services.user_deactivate (sessions ended, push devices retired, anonymous answers never
touched), a new person is org.services.user_invite (invitation, onboarding hooks). Every change
to a person is written to the access log, naming the client.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import InvalidValueException, UniquenessException

from backend.errors import ApplicationError
from org import services as org
from org.models import AccessLog, OrgUnit, User

from .models import ScimClient, ScimGroup, ScimUser
from .scim.mapping import derived_fields, fallback_user_name

# What a User keeps on the SCIM side: everything the client wrote except what Bro owns.
_NOT_STORED = {"id", "meta", "schemas", "externalId", "userName"}


def _log(*, client: ScimClient, user: User, what: str) -> None:
    org.access_log_record(
        actor=None,
        subject_id=user.pk,
        what=AccessLog.What.PROVISIONING,
        purpose=f"SCIM {client.name}: {what}",
    )


def _stored(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in _NOT_STORED}


def _check_free(*, user_name: str, external_id: str | None, link_id: int | None) -> None:
    taken = ScimUser.objects.exclude(pk=link_id)
    if taken.filter(user_name=user_name).exists():
        raise UniquenessException(detail=_("userName er allerede i brug."))
    if external_id and taken.filter(external_id=external_id).exists():
        raise UniquenessException(detail=_("externalId er allerede i brug."))


def _services(call, *args, **kwargs):
    """Run an org service; its refusal becomes the SCIM error the client understands."""
    try:
        return call(*args, **kwargs)
    except ApplicationError as exc:
        detail = "; ".join([exc.message, *(m for ms in exc.fields.values() for m in ms)])
        if exc.status_code == 409:
            raise UniquenessException(detail=detail) from exc
        raise InvalidValueException(detail=detail) from exc


def _identity(fields: dict) -> None:
    if not fields["email"] and not fields["phone"]:
        raise InvalidValueException(
            detail=_("Bro skal have en e-mailadresse eller et mobilnummer på personen.")
        )


def link_for(user: User) -> ScimUser:
    """The person's SCIM identity; people from the HR file get one when a client first writes."""
    link = ScimUser.objects.filter(user=user).first()
    if link is None:
        link = ScimUser(user=user, user_name=fallback_user_name(user))
    return link


@transaction.atomic
def scim_user_create(*, client: ScimClient, data: dict) -> User:
    """POST /Users: a new person, or a person Bro already has from HR (same e-mail or number)."""
    user_name, external_id = data["userName"], data.get("externalId")
    revived = ScimUser.objects.filter(user_name=user_name, deleted_at__isnull=False).first()
    if revived is not None:
        revived.deleted_at = None
        revived.save(update_fields=["deleted_at"])
        return scim_user_replace(client=client, user=revived.user, data=data)
    _check_free(user_name=user_name, external_id=external_id, link_id=None)
    fields = derived_fields(data)
    _identity(fields)
    match = Q(email=fields["email"]) if fields["email"] else Q(pk__in=[])
    if fields["employee_number"]:
        match |= Q(employee_number=fields["employee_number"])
    known = User.objects.filter(match, erased_at__isnull=True, scim__isnull=True).first()
    if known is not None:
        ScimUser.objects.create(user=known, user_name=known.email or user_name)
        return scim_user_replace(client=client, user=known, data=data)
    user = _services(org.user_invite, invited_by=None, **fields)
    ScimUser.objects.create(
        user=user, user_name=user_name, external_id=external_id, attributes=_stored(data)
    )
    if data.get("active") is False:
        org.user_deactivate(user=user)
    _log(client=client, user=user, what="oprettet")
    return user


@transaction.atomic
def scim_user_replace(*, client: ScimClient, user: User, data: dict) -> User:
    """PUT /Users/{id}, and PATCH once the patch is applied: the person becomes `data`."""
    user = User.objects.select_for_update().get(pk=user.pk)
    link = link_for(user)
    user_name, external_id = data["userName"], data.get("externalId")
    _check_free(user_name=user_name, external_id=external_id, link_id=link.pk)
    fields = derived_fields(data)
    _identity(fields)
    changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
    if changed:
        user = _services(org.user_update, actor=None, user=user, **changed)
    active = data.get("active")
    if active is False and user.is_active:
        user = org.user_deactivate(user=user)
        _log(client=client, user=user, what="deaktiveret")
    elif active is True and not user.is_active:
        user = _services(org.user_reactivate, user=user)
        _log(client=client, user=user, what="genaktiveret")
    link.user_name, link.external_id, link.attributes = user_name, external_id, _stored(data)
    link.save()
    if changed:
        _log(client=client, user=user, what="ændret: " + ", ".join(sorted(changed)))
    return user


@transaction.atomic
def scim_user_delete(*, client: ScimClient, user: User) -> None:
    """DELETE /Users/{id}: offboarded as by HR, and gone for the client; the row stays."""
    link = link_for(user)
    link.deleted_at = timezone.now()
    link.save()
    if user.is_active:
        org.user_deactivate(user=user)
    _log(client=client, user=user, what="slettet (deaktiveret)")


# --- Groups are units -------------------------------------------------------------------------


def _members(member_ids: list[str]) -> list[User]:
    ids = [int(v) for v in member_ids if str(v).isdigit()]
    people = list(
        User.objects.filter(pk__in=ids, erased_at__isnull=True).exclude(
            scim__deleted_at__isnull=False
        )
    )
    if len(people) != len(set(member_ids)):
        raise InvalidValueException(detail=_("Et eller flere medlemmer findes ikke."))
    return people


def _set_members(*, client: ScimClient, unit: OrgUnit, member_ids: list[str]) -> None:
    wanted = {u.pk: u for u in _members(member_ids)}
    for user in wanted.values():
        if user.unit_id != unit.pk:
            _services(org.user_update, actor=None, user=user, unit=unit)
            _log(client=client, user=user, what=f"flyttet til {unit.name}")
    for user in User.objects.filter(unit=unit).exclude(pk__in=wanted):
        _services(org.user_update, actor=None, user=user, unit=None)
        _log(client=client, user=user, what=f"taget ud af {unit.name}")


def _group_parent() -> OrgUnit | None:
    """New groups go under the organisation's top unit (or are roots when it has several)."""
    roots = list(OrgUnit.objects.filter(parent=None, closed_at__isnull=True)[:2])
    return roots[0] if len(roots) == 1 else None


@transaction.atomic
def scim_group_create(*, client: ScimClient, data: dict) -> OrgUnit:
    external_id = data.get("externalId")
    if external_id and ScimGroup.objects.filter(external_id=external_id).exists():
        raise UniquenessException(detail=_("externalId er allerede i brug."))
    unit = _services(
        org.unit_create, name=data["displayName"], kind=OrgUnit.Kind.TEAM, parent=_group_parent()
    )
    ScimGroup.objects.create(unit=unit, external_id=external_id)
    _set_members(
        client=client, unit=unit, member_ids=[m["value"] for m in data.get("members") or []]
    )
    return unit


@transaction.atomic
def scim_group_replace(*, client: ScimClient, unit: OrgUnit, data: dict) -> OrgUnit:
    link, _created = ScimGroup.objects.get_or_create(unit=unit)
    external_id = data.get("externalId")
    taken = ScimGroup.objects.exclude(pk=link.pk).filter(external_id=external_id)
    if external_id and taken.exists():
        raise UniquenessException(detail=_("externalId er allerede i brug."))
    if data["displayName"] != unit.name:
        if OrgUnit.objects.filter(parent=unit.parent_id, name=data["displayName"]).exists():
            raise UniquenessException(detail=_("Der findes allerede en enhed med det navn her."))
        unit = _services(org.unit_update, unit=unit, name=data["displayName"])
    if link.external_id != external_id:
        link.external_id = external_id
        link.save()
    _set_members(
        client=client, unit=unit, member_ids=[m["value"] for m in data.get("members") or []]
    )
    return unit


@transaction.atomic
def scim_group_delete(*, client: ScimClient, unit: OrgUnit) -> None:
    """DELETE /Groups/{id}: the unit is closed (its history stays), not deleted."""
    org.unit_close(unit=unit)
