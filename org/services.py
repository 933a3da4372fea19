"""Writes to the organisation. Every change that matters goes through a function here."""

import logging
from collections.abc import Iterable
from datetime import date, datetime

import phonenumbers
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, ConflictError, PermissionDeniedError, validate_model

from . import messaging, personal_data
from .models import (
    PATH_SEPARATOR,
    STAFF_ROLES,
    AccessLog,
    Audience,
    AudienceJobTitle,
    AudienceRole,
    AudienceUnit,
    LeaderScope,
    OrgUnit,
    Role,
    User,
    UserRole,
    _new_security_stamp,
)

logger = logging.getLogger("bro.org")

# Danish mobile numbers are 8 digits; anything else must come in international form.

# Who may hand out which role. HR onboards staff and leaders; only an admin makes HR,
# communications or other admins, so no one can raise themselves.
_GRANTABLE_BY = {
    Role.HR: frozenset({Role.EMPLOYEE, Role.LEADER}),
    Role.ADMIN: frozenset(Role.values),
}


def normalise_phone(phone: str | None) -> str | None:
    """Return the number in E.164 (+4512345678), None for blank; refuse what is not a number.

    Parsed with `phonenumbers` (Google's libphonenumber metadata), Denmark as the default
    region, so "12 34 56 78", "0045 12345678" and "+45 12345678" are the same person, and
    a number no country assigns is refused instead of stored.
    """
    if phone is None:
        return None
    cleaned = phone.strip()
    if not cleaned:
        return None
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        parsed = phonenumbers.parse(cleaned, "DK")
    except phonenumbers.NumberParseException:
        parsed = None
    # Possible (a length the region uses), not "valid" (a range assigned today): metadata moves
    # faster than HR records, and a new number range must not lock its holders out.
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ApplicationError(
            _("Mobilnummeret er ugyldigt."),
            fields={"phone": [_("Skriv et mobilnummer, fx 12345678 eller +4512345678.")]},
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(email: str | None) -> str | None:
    if email is None:
        return None
    cleaned = email.strip().lower()
    return cleaned or None


def _grantable_roles(actor: User) -> frozenset[str]:
    granted: set[str] = set()
    for role, grantable in _GRANTABLE_BY.items():
        if actor.has_role(role) or (role == Role.ADMIN and actor.is_superuser):
            granted |= grantable
    return frozenset(granted)


def _check_roles_grantable(*, actor: User, roles: Iterable[str]) -> None:
    refused = set(roles) - _grantable_roles(actor)
    if refused:
        raise PermissionDeniedError(
            _("Du kan ikke tildele rollen: %(roles)s.") % {"roles": ", ".join(sorted(refused))},
            fields={"roles": [_("Ikke tilladt for dig.")]},
        )


def _check_unique_identity(*, user_id: int | None, **identity: str | None) -> None:
    labels = {
        "email": _("E-mailadressen er allerede i brug."),
        "phone": _("Mobilnummeret er allerede i brug."),
        "employee_number": _("Medarbejdernummeret er allerede i brug."),
    }
    taken = {}
    for field, value in identity.items():
        if value and User.objects.filter(**{field: value}).exclude(pk=user_id).exists():
            taken[field] = [labels[field]]
    if taken:
        raise ConflictError(_("Personen findes allerede."), code="already_exists", fields=taken)


def _save_user(user: User) -> None:
    validate_model(user, exclude=["password"], validate_unique=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two requests raced past the uniqueness check: the database decided.
        raise ConflictError(_("Personen findes allerede."), code="already_exists") from exc


# A person's HR data, in the order the admin shows it: what user_update changes.
USER_FIELDS = (
    "name",
    "email",
    "phone",
    "employee_number",
    "job_title",
    "unit",
    "start_date",
    "end_date",
    "language",
)


@transaction.atomic
def user_invite(
    *,
    invited_by: User | None,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    employee_number: str | None = None,
    job_title: str = "",
    unit: OrgUnit | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    language: str = "da",
    roles: Iterable[str] = (Role.EMPLOYEE,),
    send_invitation: bool = True,
) -> User:
    """Create a person who can log in by a one-time code, and send them the invitation.

    `invited_by` None means the system itself (demo data, HR sync); otherwise the inviter must
    be allowed to grant every role asked for.
    """
    roles = set(roles) | {Role.EMPLOYEE}
    if invited_by is not None:
        _check_roles_grantable(actor=invited_by, roles=roles)
    email, phone = normalise_email(email), normalise_phone(phone)
    employee_number = (employee_number or "").strip() or None
    if not email and not phone:
        raise ApplicationError(
            _("Angiv en e-mailadresse eller et mobilnummer."),
            code="identity_required",
            fields={
                "email": [_("E-mail eller mobilnummer skal udfyldes.")],
                "phone": [_("E-mail eller mobilnummer skal udfyldes.")],
            },
        )
    _check_unique_identity(user_id=None, email=email, phone=phone, employee_number=employee_number)
    user = User(
        name=name.strip(),
        email=email,
        phone=phone,
        employee_number=employee_number,
        job_title=job_title.strip(),
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        language=language,
        invited_at=timezone.now() if send_invitation else None,
    )
    user.set_unusable_password()
    _save_user(user)
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in sorted(roles)])
    _sync_staff_flags(user=user, roles=roles)
    if send_invitation:
        messaging.queue_invitation(user_id=user.pk)
    messaging.queue_person_hooks(event="invited", user_id=user.pk)
    return user


# Rows per INSERT when many people are invited at once: well under SQLite's 32,766 bound
# variables per statement (User has ~25 columns) and PostgreSQL's 65,535.
INVITE_BATCH = 500


def _check_unique_identity_many(people: list[User]) -> None:
    """user_invite's identity check for many new people: a few reads, not one per person."""
    labels = {
        "email": _("E-mailadressen er allerede i brug."),
        "phone": _("Mobilnummeret er allerede i brug."),
        "employee_number": _("Medarbejdernummeret er allerede i brug."),
    }
    taken = {}
    for field, label in labels.items():
        values = [getattr(user, field) for user in people if getattr(user, field)]
        repeated = len(values) != len(set(values))
        if repeated or any(
            User.objects.filter(**{f"{field}__in": values[start : start + INVITE_BATCH]}).exists()
            for start in range(0, len(values), INVITE_BATCH)
        ):
            taken[field] = [label]
    if taken:
        raise ConflictError(_("Personen findes allerede."), code="already_exists", fields=taken)


@transaction.atomic
def users_invite_many(*, people: Iterable[dict], send_invitation: bool = True) -> list[User]:
    """Invite many people as employees at once, by the system: what user_invite does for each.

    Each dict holds user_invite's person fields (name, email, phone, employee_number,
    job_title, unit, start_date, end_date, language). The same checks refuse the same people
    with the same error, and the rows, roles, invitations and on-invite hooks come out as
    from user_invite one by one; only the queries are set-based (an HR import's first run),
    and invitations and hooks are queued after commit in batches.
    """
    now = timezone.now()
    users = []
    for fields in people:
        email, phone = normalise_email(fields.get("email")), normalise_phone(fields.get("phone"))
        if not email and not phone:
            raise ApplicationError(
                _("Angiv en e-mailadresse eller et mobilnummer."),
                code="identity_required",
                fields={
                    "email": [_("E-mail eller mobilnummer skal udfyldes.")],
                    "phone": [_("E-mail eller mobilnummer skal udfyldes.")],
                },
            )
        user = User(
            name=fields["name"].strip(),
            email=email,
            phone=phone,
            employee_number=(fields.get("employee_number") or "").strip() or None,
            job_title=(fields.get("job_title") or "").strip(),
            unit=fields.get("unit"),
            start_date=fields.get("start_date"),
            end_date=fields.get("end_date"),
            language=fields.get("language") or "da",
            invited_at=now if send_invitation else None,
        )
        user.set_unusable_password()
        users.append(user)
    if not users:
        return []
    _check_unique_identity_many(users)
    for user in users:
        bad_dates = user.start_date and user.end_date and user.end_date < user.start_date
        # The unit is a saved row (no read per person to prove it) and identity was checked
        # above; the date rule is a CheckConstraint, validated by a query, so only a person
        # who breaks it pays for the full validation, which refuses them as user_invite does.
        validate_model(
            user,
            exclude=["password"] if bad_dates else ["password", "unit"],
            validate_unique=False,
            validate_constraints=bool(bad_dates),
        )
    try:
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=INVITE_BATCH)
    except IntegrityError as exc:
        raise ConflictError(_("Personen findes allerede."), code="already_exists") from exc
    UserRole.objects.bulk_create(
        [UserRole(user=user, role=Role.EMPLOYEE) for user in users], batch_size=INVITE_BATCH
    )
    for user in users:
        user._role_set = frozenset({Role.EMPLOYEE})
    user_ids = [user.pk for user in users]
    if send_invitation:
        messaging.queue_invitations(user_ids=user_ids)
    messaging.queue_people_hooks(event="invited", user_ids=user_ids)
    return users


@transaction.atomic
def user_update(*, actor: User, user: User, **fields) -> User:
    """Change a person's HR data (name, contact, unit, job title, dates)."""
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    _check_not_erased(user)
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
    if "phone" in fields:
        fields["phone"] = normalise_phone(fields["phone"])
    if "employee_number" in fields:
        fields["employee_number"] = (fields["employee_number"] or "").strip() or None
    _check_unique_identity(
        user_id=user.pk,
        **{k: fields[k] for k in ("email", "phone", "employee_number") if k in fields},
    )
    dates_before = (user.start_date, user.end_date)
    identity_before = (user.email, user.phone)
    for field, value in fields.items():
        setattr(user, field, value)
    if not user.email and not user.phone:
        raise ApplicationError(
            _("Angiv en e-mailadresse eller et mobilnummer."), code="identity_required"
        )
    if (user.email, user.phone) != identity_before:
        # The address a login code goes to changed: sessions opened through the old one end.
        _end_sessions(user=user)
    _save_user(user)
    if (user.start_date, user.end_date) != dates_before:
        messaging.queue_person_hooks(event="dates_changed", user_id=user.pk)
    return user


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    language: str | None = None,
    reading_language: str | None = None,
    share_email: bool | None = None,
    share_phone: bool | None = None,
) -> User:
    """Change what a person decides about themselves: language and what colleagues see."""
    _check_not_erased(user)
    if language is not None:
        user.language = language
    if reading_language is not None:
        user.reading_language = reading_language
    if share_email is not None:
        user.share_email = share_email
    if share_phone is not None:
        user.share_phone = share_phone
    _save_user(user)
    return user


def _end_sessions(*, user: User) -> None:
    # Rotating the stamp changes the session auth hash: every session token the person holds
    # stops authenticating at once, and stays dead after a reactivation. Tracked sessions are
    # also deleted so they do not linger in the session store.
    user.security_stamp = _new_security_stamp()
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Stop a person's access: inactive, every session ended, push devices retired."""
    user.is_active = False
    _end_sessions(user=user)
    _save_user(user)
    for deactivate in personal_data.deactivators():
        deactivate(user=user)
    return user


@transaction.atomic
def user_reactivate(*, user: User) -> User:
    """Give access back; old sessions stay ended, the person logs in again by code."""
    _check_not_erased(user)
    user.is_active = True
    _save_user(user)
    return user


def _sync_staff_flags(*, user: User, roles: Iterable[str]) -> None:
    roles = set(roles)
    is_staff = bool(roles & STAFF_ROLES)
    is_superuser = Role.ADMIN in roles
    if (user.is_staff, user.is_superuser) != (is_staff, is_superuser):
        User.objects.filter(pk=user.pk).update(is_staff=is_staff, is_superuser=is_superuser)
        user.is_staff, user.is_superuser = is_staff, is_superuser
    user._role_set = frozenset(roles)


@transaction.atomic
def user_roles_set(*, actor: User | None, user: User, roles: Iterable[str]) -> User:
    """Give the person exactly these roles (employee is always kept)."""
    _check_not_erased(user)
    wanted = set(roles) | {Role.EMPLOYEE}
    unknown = wanted - set(Role.values)
    if unknown:
        raise ApplicationError(_("Ukendt rolle."), fields={"roles": sorted(unknown)})
    current = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    if actor is not None:
        _check_roles_grantable(actor=actor, roles=wanted ^ current)
    UserRole.objects.filter(user=user, role__in=current - wanted).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(wanted - current)])
    if Role.LEADER not in wanted:
        LeaderScope.objects.filter(leader=user).delete()
    _sync_staff_flags(user=user, roles=wanted)
    return user


@transaction.atomic
def leader_scope_set(*, leader: User, units: Iterable[OrgUnit]) -> User:
    """Make the person lead exactly these units (and so see everything under them)."""
    units = list(units)
    unit_ids = {u.pk for u in units}
    LeaderScope.objects.filter(leader=leader).exclude(unit_id__in=unit_ids).delete()
    existing = set(LeaderScope.objects.filter(leader=leader).values_list("unit_id", flat=True))
    LeaderScope.objects.bulk_create(
        [LeaderScope(leader=leader, unit_id=uid) for uid in sorted(unit_ids - existing)]
    )
    roles = set(UserRole.objects.filter(user=leader).values_list("role", flat=True))
    if unit_ids and Role.LEADER not in roles:
        UserRole.objects.create(user=leader, role=Role.LEADER)
        roles.add(Role.LEADER)
    elif not unit_ids and Role.LEADER in roles:
        UserRole.objects.filter(user=leader, role=Role.LEADER).delete()
        roles.discard(Role.LEADER)
    _sync_staff_flags(user=leader, roles=roles)
    return leader


@transaction.atomic
def leader_scopes_grant_many(*, scopes: dict[User, list[OrgUnit]]) -> None:
    """leader_scope_set for people who lead nothing yet (just invited): rows made in bulk."""
    leaders = [leader for leader, units in scopes.items() if units]
    if not leaders:
        return
    if (
        LeaderScope.objects.filter(leader__in=leaders).exists()
        or UserRole.objects.filter(user__in=leaders, role=Role.LEADER).exists()
    ):
        raise ConflictError(_("Personen er allerede leder."), code="already_leader")
    LeaderScope.objects.bulk_create(
        [
            LeaderScope(leader=leader, unit_id=unit_id)
            for leader in leaders
            for unit_id in sorted({unit.pk for unit in scopes[leader]})
        ],
        batch_size=INVITE_BATCH,
    )
    UserRole.objects.bulk_create(
        [UserRole(user=leader, role=Role.LEADER) for leader in leaders], batch_size=INVITE_BATCH
    )
    # Leader is no staff role, so is_staff and is_superuser stay as they were.
    roles = {}
    for user_id, role in UserRole.objects.filter(user__in=leaders).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    for leader in leaders:
        _sync_staff_flags(user=leader, roles=roles[leader.pk])


def _check_unit_code_free(*, code: str | None, unit_id: int | None) -> None:
    if code and OrgUnit.objects.filter(code=code).exclude(pk=unit_id).exists():
        raise ConflictError(
            _("Enhedskoden er allerede i brug."),
            fields={"code": [_("Enhedskoden er allerede i brug.")]},
        )


@transaction.atomic
def unit_create(
    *, name: str, kind: str, parent: OrgUnit | None = None, code: str | None = None
) -> OrgUnit:
    """Add a unit under `parent` (or as a root); `code` is the HR system's unit code."""
    if OrgUnit.objects.filter(parent=parent, name=name.strip()).exists():
        raise ConflictError(
            _("Der findes allerede en enhed med det navn her."),
            fields={"name": [_("Navnet er i brug under denne enhed.")]},
        )
    code = (code or "").strip() or None
    _check_unit_code_free(code=code, unit_id=None)
    # The path holds the unit's own id, known only after the insert: a unique placeholder
    # first, then the real path in the same transaction.
    unit = OrgUnit(
        name=name.strip(),
        kind=kind,
        parent=parent,
        code=code,
        path=f"new:{_new_security_stamp()}",
    )
    validate_model(unit, validate_unique=False, validate_constraints=False)
    unit.save()
    prefix = parent.path if parent else PATH_SEPARATOR
    unit.path = f"{prefix}{unit.pk}{PATH_SEPARATOR}"
    unit.depth = parent.depth + 1 if parent else 0
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def units_create_many(*, units: list[dict]) -> list[OrgUnit]:
    """unit_create for many units whose parents exist already (a level of an HR import).

    Each dict holds unit_create's arguments (name, kind, parent, code). The same checks
    refuse with the same errors; the paths are written in one UPDATE per batch.
    """
    if not units:
        return []
    created = [
        OrgUnit(
            name=spec["name"].strip(),
            kind=spec["kind"],
            parent=spec.get("parent"),
            code=(spec.get("code") or "").strip() or None,
            path=f"new:{_new_security_stamp()}",
        )
        for spec in units
    ]
    siblings = [(unit.parent_id, unit.name) for unit in created]
    names = {name for _parent, name in siblings}
    taken = set(
        OrgUnit.objects.filter(name__in=names)
        .filter(Q(parent_id__in={p for p, _n in siblings if p}) | Q(parent__isnull=True))
        .values_list("parent_id", "name")
    )
    if len(set(siblings)) != len(siblings) or taken & set(siblings):
        raise ConflictError(
            _("Der findes allerede en enhed med det navn her."),
            fields={"name": [_("Navnet er i brug under denne enhed.")]},
        )
    codes = [unit.code for unit in created if unit.code]
    if len(set(codes)) != len(codes) or OrgUnit.objects.filter(code__in=codes).exists():
        raise ConflictError(
            _("Enhedskoden er allerede i brug."),
            fields={"code": [_("Enhedskoden er allerede i brug.")]},
        )
    for unit in created:
        # The parent is a saved row passed in: no read per unit to prove it exists.
        validate_model(unit, exclude=["parent"], validate_unique=False, validate_constraints=False)
    OrgUnit.objects.bulk_create(created, batch_size=INVITE_BATCH)
    for unit in created:
        parent = unit.parent
        unit.path = f"{parent.path if parent else PATH_SEPARATOR}{unit.pk}{PATH_SEPARATOR}"
        unit.depth = parent.depth + 1 if parent else 0
    OrgUnit.objects.bulk_update(created, ["path", "depth"], batch_size=INVITE_BATCH)
    return created


@transaction.atomic
def unit_update(
    *,
    unit: OrgUnit,
    name: str | None = None,
    kind: str | None = None,
    code: str | None = None,
) -> OrgUnit:
    if name is not None:
        unit.name = name.strip()
    if kind is not None:
        unit.kind = kind
    if code is not None:
        unit.code = code.strip() or None
        _check_unit_code_free(code=unit.code, unit_id=unit.pk)
    validate_model(unit, validate_constraints=False)
    unit.save()
    return unit


@transaction.atomic
def unit_close(*, unit: OrgUnit, now: datetime | None = None) -> OrgUnit:
    """Close a unit (HR closed it): it keeps its history; a second call does nothing."""
    if unit.closed_at is None:
        unit.closed_at = now or timezone.now()
        OrgUnit.objects.filter(pk=unit.pk).update(
            closed_at=unit.closed_at, updated_at=timezone.now()
        )
    return unit


@transaction.atomic
def unit_reopen(*, unit: OrgUnit) -> OrgUnit:
    """Open a closed unit again (HR lists it again)."""
    if unit.closed_at is not None:
        unit.closed_at = None
        OrgUnit.objects.filter(pk=unit.pk).update(closed_at=None, updated_at=timezone.now())
    return unit


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit | None) -> OrgUnit:
    """Move a unit and its whole subtree under `new_parent`, rewriting paths in one UPDATE."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if new_parent is not None:
        new_parent = OrgUnit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ApplicationError(
                _("En enhed kan ikke flyttes ind under sig selv."),
                code="invalid_move",
                fields={"parent": [_("Vælg en enhed uden for denne gren.")]},
            )
    old_path = unit.path
    new_prefix = new_parent.path if new_parent else PATH_SEPARATOR
    new_path = f"{new_prefix}{unit.pk}{PATH_SEPARATOR}"
    depth_change = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
        updated_at=timezone.now(),
    )
    unit.refresh_from_db()
    return unit


# How an audience made without a name is called in lists and pickers (stored data, so in the
# source language): what its rules say, e.g. "Hjemmeplejen Nord med underenheder".
_ROLE_GROUP_NAMES = {
    Role.EMPLOYEE: "Alle medarbejdere",
    Role.LEADER: "Alle ledere",
    Role.HR: "Alle i HR",
    Role.COMMUNICATIONS: "Alle i kommunikation",
    Role.ADMIN: "Alle administratorer",
}
_NAMED_PEOPLE_AT_MOST = 3


def _audience_name(*, everyone, units, roles, job_titles, people) -> str:
    if everyone:
        return "Alle medarbejdere"
    parts = [f"{unit.name} med underenheder" if sub else unit.name for unit, sub in units]
    parts += [_ROLE_GROUP_NAMES[role] for role in Role.values if role in roles]
    parts += [f"Alle med stillingen {title}" for title in job_titles]
    if len(people) <= _NAMED_PEOPLE_AT_MOST:
        parts += [person.name for person in people]
    else:
        parts.append(f"{len(people)} udvalgte personer")
    name = ", ".join(parts)
    max_length = Audience._meta.get_field("name").max_length
    return name if len(name) <= max_length else name[: max_length - 1] + "…"


@transaction.atomic
def audience_create(
    *,
    created_by: User | None,
    name: str = "",
    everyone: bool = False,
    units: Iterable[tuple[OrgUnit, bool]] = (),
    roles: Iterable[str] = (),
    job_titles: Iterable[str] = (),
    people: Iterable[User] = (),
) -> Audience:
    """Make an audience from rules; `units` pairs a unit with whether its subtree is included.

    Without a name it is called by its rules, so lists and pickers say whom it reaches.
    """
    units, roles, job_titles, people = list(units), set(roles), list(job_titles), list(people)
    if not (everyone or units or roles or job_titles or people):
        raise ApplicationError(
            _("Målgruppen er tom: vælg enheder, roller, stillinger eller personer."),
            code="empty_audience",
        )
    unknown = roles - set(Role.values)
    if unknown:
        raise ApplicationError(_("Ukendt rolle."), fields={"roles": sorted(unknown)})
    titles = sorted({t.strip() for t in job_titles if t.strip()})
    name = name.strip() or _audience_name(
        everyone=everyone, units=units, roles=roles, job_titles=titles, people=people
    )
    audience = Audience.objects.create(name=name, everyone=everyone, created_by=created_by)
    AudienceUnit.objects.bulk_create(
        [AudienceUnit(audience=audience, unit=u, include_subtree=s) for u, s in units]
    )
    AudienceRole.objects.bulk_create([AudienceRole(audience=audience, role=r) for r in roles])
    AudienceJobTitle.objects.bulk_create(
        [AudienceJobTitle(audience=audience, job_title=t) for t in titles]
    )
    audience.people.set(people)
    return audience


# --- Personal data (GDPR): access log and offboarding (erasure, retention: org.erasure) ------


def _check_not_erased(user: User) -> None:
    if user.erased_at is not None:
        raise ConflictError(
            _("Personens oplysninger er slettet; personen kan ikke ændres."), code="erased"
        )


def _check_no_archive_hold() -> None:
    if settings.RETENTION_ARCHIVE_HOLD:
        raise ConflictError(
            _("Sletning er standset af et arkivstop (RETENTION_ARCHIVE_HOLD)."),
            code="archive_hold",
        )


@transaction.atomic
def access_log_record(
    *,
    actor: User | None,
    subject_id: int,
    what: str,
    purpose: str = "",
    object_id: int | None = None,
) -> AccessLog | None:
    """Record that `actor` read another person's personal data; reading your own is not logged.

    Call it from every view where HR, a leader or an admin reads someone else's data beyond
    the directory (HR record, a journey, an export). The row is append-only.
    """
    if actor is not None and actor.pk == subject_id:
        return None
    if what not in AccessLog.What.values:
        raise ValueError(f"unknown access-log kind {what!r}")
    entry = AccessLog(
        actor=actor,
        subject_id=subject_id,
        what=what,
        purpose=purpose.strip(),
        object_id=object_id,
    )
    # The foreign keys are the caller's own objects: no existence queries for them.
    validate_model(entry, exclude=["actor", "subject"])
    entry.save()
    return entry


@transaction.atomic
def user_offboard(*, user_id: int, today: date) -> bool:
    """Deactivate the person if their end date has passed; False when there was nothing to do."""
    user = (
        User.objects.select_for_update()
        .filter(pk=user_id, end_date__lt=today, is_active=True, erased_at__isnull=True)
        .first()
    )
    if user is None:
        return False
    user_deactivate(user=user)
    return True


@transaction.atomic
def sso_account_link(*, user: User, provider_id: str, uid: str, claims: dict) -> SocialAccount:
    """Tie a work account (the provider's subject id) to an existing, active person."""
    if not user.is_active or user.erased_at is not None:
        raise PermissionDeniedError(_("Personen er ikke aktiv."))
    account = SocialAccount(user=user, provider=provider_id, uid=uid, extra_data=claims)
    # `provider` holds the configured provider id, which allauth's own choices (the provider
    # classes) do not list; allauth stores it the same way.
    validate_model(account, exclude=["user", "provider"])
    account.save()
    logger.info("org: person %s linked to a work account of %s", user.pk, provider_id)
    return account


def sso_roles_sync(*, user: User, groups: Iterable[str], group_roles: dict[str, str]) -> User:
    """Set the roles the group mapping manages from the person's groups; leave the others."""
    managed = set(group_roles.values())
    granted = {role for group, role in group_roles.items() if group in set(groups)}
    current = set(user.role_set)
    wanted = (current - managed) | granted
    if wanted == current:
        return user
    return user_roles_set(actor=None, user=user, roles=wanted)
