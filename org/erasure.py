"""Erasing a person's identity, the end of offboarding, and the retention table (GDPR).

Every app's erasers and retention handlers are registered in `org.personal_data`; this module
runs them, and registers org's own data there. It builds on `org.services` (sessions, roles,
the access log); `org.services` does not import it.
"""

import logging
from datetime import date, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, PermissionDeniedError

from . import personal_data
from .models import AccessLog, Audience, LeaderScope, User, UserRole
from .personal_data import delete_older, exporter, retention
from .services import (
    _check_no_archive_hold,
    _check_roles_grantable,
    _end_sessions,
    _save_user,
    _sync_staff_flags,
    access_log_record,
    user_offboard,
)

logger = logging.getLogger("bro.org")


# What an erased person is called from then on (stored data, so in the source language).
ERASED_NAME = "Tidligere medarbejder"


def _erase_login_traces(*, user: User, name: str) -> None:
    """allauth's address book, work-account links and the admin's history name the person."""
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    history.update(object_repr=ERASED_NAME)
    if name:
        LogEntry.objects.filter(object_repr__contains=name).update(
            object_repr=Replace("object_repr", Value(name), Value(ERASED_NAME))
        )


def _clear_org_references(*, user: User) -> None:
    """Take the person out of named-people audiences and off the audiences they made."""
    Audience.people.through.objects.filter(user=user).delete()
    Audience.objects.filter(created_by=user).update(created_by=None)
    user.groups.clear()
    user.user_permissions.clear()


@transaction.atomic
def user_erase(*, actor: User | None, user: User, now: datetime | None = None) -> User:
    """Erase a person's identity for good (the right to erasure, and offboarding's last step).

    Sessions end, every app's eraser runs (devices, inbox and preferences deleted; running
    journeys cancelled; identified survey responses unlinked), and the profile is anonymised
    to "Tidligere medarbejder" with no e-mail, phone, employee number, job title or dates, out
    of named-people audiences. Free text that others wrote about them is not rewritten. The row
    itself stays, so journeys, read counts and survey response rates still count without
    saying who; anonymous survey answers were never linked and are not touched.

    `actor` None is the system (offboarding). A second call does nothing.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return user
    _check_no_archive_hold()
    roles = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    if actor is not None:
        if actor.pk == user.pk:
            raise PermissionDeniedError(_("Du kan ikke slette dine egne oplysninger her."))
        # Whoever may not hand out a role may not erase its holder either (HR ↛ admin).
        _check_roles_grantable(actor=actor, roles=roles)
    now = now or timezone.now()
    old_name = user.name
    user.is_active = False
    _end_sessions(user=user)
    for erase in personal_data.erasers():
        erase(user=user)
    _erase_login_traces(user=user, name=old_name)
    UserRole.objects.filter(user=user).delete()
    LeaderScope.objects.filter(leader=user).delete()
    _clear_org_references(user=user)
    _sync_staff_flags(user=user, roles=())
    user.name = ERASED_NAME
    user.email = user.phone = user.employee_number = None
    user.job_title = ""
    # Dates that single a former employee out within a small unit (started on, left on, was
    # invited, last logged in) go too; journeys keep their own anchor dates for statistics.
    user.start_date = user.end_date = user.invited_at = user.last_login = None
    user.language = User._meta.get_field("language").default
    user.reading_language = ""
    user.share_email = user.share_phone = False
    user.erased_at = now
    user.set_unusable_password()
    _save_user(user)
    if actor is not None:
        access_log_record(actor=actor, subject_id=user.pk, what=AccessLog.What.ERASURE)
    logger.info("org: person %s erased by %s", user.pk, actor.pk if actor else "the system")
    return user


def former_employees_erase(*, ended_before: date, dry_run: bool = False) -> int:
    """Erase people whose end date is before `ended_before` and who are no longer active."""
    people = User.objects.filter(
        end_date__lt=ended_before, is_active=False, erased_at__isnull=True
    ).order_by("pk")
    if dry_run:
        return people.count()
    erased = 0
    for user_id in list(people.values_list("pk", flat=True)):
        try:
            user_erase(actor=None, user=User.objects.get(pk=user_id))
        except ApplicationError:
            # One refused person (an eraser said no) must not stop everyone else's erasure.
            logger.exception("org: erasing former employee %s was refused", user_id)
            continue
        erased += 1
    return erased


def people_offboard_ended(*, today: date | None = None) -> dict[str, int]:
    """Deactivate people whose end date has passed; erase them after the retention period.

    Idempotent: a second run the same day finds nobody. Under an archive hold people are
    still deactivated, but nobody is erased.
    """
    today = today or timezone.localdate()
    ended = User.objects.filter(end_date__lt=today, is_active=True, erased_at__isnull=True)
    deactivated = sum(
        user_offboard(user_id=user_id, today=today)
        for user_id in list(ended.order_by("pk").values_list("pk", flat=True))
    )
    erased = 0
    if not settings.RETENTION_ARCHIVE_HOLD:
        keep_days = settings.RETENTION_DAYS["former_employees"]
        erased = former_employees_erase(ended_before=today - timedelta(days=keep_days))
    return {"deactivated": deactivated, "erased": erased}


def retention_enforce(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than the retention table allows, per data class; return counts.

    `dry_run` counts without deleting; so does RETENTION_ARCHIVE_HOLD (a legal hold). Each
    class deletes in its own short transactions, and a second run finds nothing to delete.
    """
    now = now or timezone.now()
    hold = settings.RETENTION_ARCHIVE_HOLD
    counts = {}
    for data_class, purge in sorted(personal_data.retention_handlers().items()):
        days = settings.RETENTION_DAYS[data_class]
        counts[data_class] = purge(cutoff=now - timedelta(days=days), dry_run=dry_run or hold)
    logger.info(
        "org: retention %s%s: %s", "dry run" if dry_run else "run", hold * " (hold)", counts
    )
    return counts


# --- org's own data in the registry -----------------------------------------------------------


@exporter("profile")
def _export_profile(user: User) -> dict[str, Any]:
    person = User.objects.values(
        "id",
        "name",
        "email",
        "phone",
        "employee_number",
        "job_title",
        "unit__name",
        "start_date",
        "end_date",
        "language",
        "reading_language",
        "share_email",
        "share_phone",
        "is_active",
        "invited_at",
        "date_joined",
    ).get(pk=user.pk)
    person["unit"] = person.pop("unit__name")
    person["roles"] = sorted(user.roles.values_list("role", flat=True))
    person["leads_units"] = sorted(
        LeaderScope.objects.filter(leader=user).values_list("unit__name", flat=True)
    )
    return person


@exporter("access_log")
def _export_access_log(user: User) -> list[dict[str, Any]]:
    """Who looked at my data, what, when and why."""
    return [
        {
            "at": row["at"],
            "what": row["what"],
            "purpose": row["purpose"],
            "by": row["actor__name"] or None,
            "by_id": row["actor_id"],
        }
        for row in AccessLog.objects.filter(subject=user)
        .order_by("-at", "-id")
        .values("at", "what", "purpose", "actor_id", "actor__name")
    ]


@retention("access_log")
def _purge_access_log(*, cutoff: datetime, dry_run: bool) -> int:
    return delete_older(AccessLog.objects.filter(at__lt=cutoff), dry_run=dry_run)


@retention("former_employees")
def _erase_former_employees(*, cutoff: datetime, dry_run: bool) -> int:
    return former_employees_erase(ended_before=timezone.localdate(cutoff), dry_run=dry_run)
