"""Writes of HR sync: file imports applied through org's services, and SCIM client tokens."""

import hashlib
import logging
import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, ConflictError
from org import services as org
from org.models import OrgUnit, User

from .models import ImportRun, ScimClient
from .parsing import read_sheet
from .planning import Plan, plan_import

logger = logging.getLogger("bro.hrsync")


# --- file import ----------------------------------------------------------------------------


def import_preview(
    *,
    content: bytes,
    file_name: str,
    mode: str,
    started_by: User | None,
    source: str,
    keep_content: bool = False,
    today: date | None = None,
) -> tuple[ImportRun, Plan]:
    """Read the file and record its difference from Bro as a previewed run; change nothing.

    `keep_content` stores the file until the run is confirmed (the admin's two steps).
    """
    if mode not in ImportRun.Mode.values:
        raise ApplicationError(_("Ukendt tilstand."), code="invalid_mode")
    sheet = read_sheet(content=content, file_name=file_name)
    plan = plan_import(sheet=sheet, mode=mode, today=today or timezone.localdate())
    run = ImportRun.objects.create(
        started_by=started_by,
        source=source,
        file_name=file_name[:255],
        mode=mode,
        status=ImportRun.Status.PREVIEW,
        counts=plan.counts,
        report=_report(plan),
        content=content if keep_content else None,
    )
    return run, plan


def import_apply(
    *,
    content: bytes,
    file_name: str,
    mode: str,
    started_by: User | None,
    source: str,
    confirm_leavers: bool = False,
    send_invitations: bool = True,
    today: date | None = None,
    run: ImportRun | None = None,
) -> tuple[ImportRun, Plan]:
    """Apply the file in one transaction; record the run (applied, or failed with the reason).

    Rows the plan refuses are left out and listed; everything else is applied or nothing is.
    In full mode people missing from the file are deactivated only with `confirm_leavers`.
    """
    today = today or timezone.localdate()
    sheet = read_sheet(content=content, file_name=file_name)
    plan = plan_import(sheet=sheet, mode=mode, today=today)
    if run is None:
        run = ImportRun(started_by=started_by, source=source, file_name=file_name[:255], mode=mode)
    run.counts, run.report = plan.counts, _report(plan)
    run.leavers_confirmed = confirm_leavers and mode == ImportRun.Mode.FULL
    run.content = None
    try:
        with transaction.atomic():
            plan_apply(
                plan=plan,
                confirm_leavers=run.leavers_confirmed,
                send_invitations=send_invitations,
            )
    except ApplicationError as exc:
        run.status, run.error = ImportRun.Status.FAILED, exc.message
        run.save()
        logger.warning("hrsync: import %s failed: %s", file_name, exc.message)
        raise
    if mode == ImportRun.Mode.FULL and not run.leavers_confirmed:
        run.counts = {**run.counts, "missing_leavers_held": run.counts["missing_leavers"]}
    run.status, run.applied_at = ImportRun.Status.APPLIED, timezone.now()
    run.save()
    logger.info("hrsync: import %s applied: %s", file_name, run.counts)
    return run, plan


@transaction.atomic
def import_confirm(
    *, run: ImportRun, confirmed_by: User, confirm_leavers: bool = False
) -> tuple[ImportRun, Plan]:
    """Apply a previewed run's file (the admin's second step), planned again against today."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEW or run.content is None:
        raise ConflictError(_("Importen er allerede gennemført eller kasseret."))
    run.started_by = confirmed_by
    return import_apply(
        content=bytes(run.content),
        file_name=run.file_name,
        mode=run.mode,
        started_by=confirmed_by,
        source=run.source,
        confirm_leavers=confirm_leavers,
        run=run,
    )


def import_discard(*, run: ImportRun) -> ImportRun:
    """Forget a previewed file without applying it."""
    if run.status == ImportRun.Status.PREVIEW:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DISCARDED, content=None)
        run.refresh_from_db()
    return run


def _report(plan: Plan) -> dict:
    return {"changes": plan.report, "refusals": plan.refusals}


def plan_apply(
    *, plan: Plan, confirm_leavers: bool, send_invitations: bool = True, bulk: bool = True
) -> None:
    """Carry out a plan through org's services, so every hook runs as for a change by hand.

    New units and new hires go through org's set-based units_create_many, users_invite_many
    and leader_scopes_grant_many (with onboarding's set-based on-invite hook): the outcome of
    unit_create, user_invite and leader_scope_set one by one, in a number of queries that does
    not grow with the file. `bulk=False` makes them one by one; tests hold the two to the
    same result. Changes to units and people Bro already has go one by one either way.
    """
    units_by_code = {
        u.code: u for u in OrgUnit.objects.filter(code__isnull=False).select_related(None)
    }
    # Shallowest first: a unit's new parent is in place before the unit moves under it, so
    # no move ever lands inside the moving unit's own subtree (the plan refused cycles).
    # In bulk, each level's new units are made together once the level's changes are done.
    ops = sorted(plan.unit_ops, key=lambda o: o.depth)
    for depth in sorted({op.depth for op in ops}):
        level = [op for op in ops if op.depth == depth]
        _units_apply(level if not bulk else [op for op in level if op.unit_id], units_by_code)
        if bulk:
            new = [op for op in level if op.unit_id is None]
            made = org.units_create_many(
                units=[
                    {
                        "name": op.name,
                        "kind": op.kind,
                        "parent": units_by_code[op.parent_code] if op.parent_code else None,
                        "code": op.code,
                    }
                    for op in new
                ]
            )
            units_by_code.update({op.code: unit for op, unit in zip(new, made, strict=True)})
    for unit in OrgUnit.objects.filter(pk__in=plan.closed_unit_ids):
        org.unit_close(unit=unit)

    users = User.objects.in_bulk([op.user_id for op in plan.person_ops if op.user_id])
    leaders: list[tuple[User, list[str]]] = []
    new_leaders: dict[User, list[OrgUnit]] = {}
    if bulk:
        hires = [op for op in plan.person_ops if op.user_id is None]
        invited = org.users_invite_many(
            people=[
                {
                    **op.fields,
                    "employee_number": op.employee_number,
                    "unit": units_by_code[op.unit_code] if op.unit_code else None,
                }
                for op in hires
            ],
            send_invitation=send_invitations,
        )
        for op, user in zip(hires, invited, strict=True):
            if op.leader_codes is not None:
                new_leaders[user] = [units_by_code[code] for code in op.leader_codes]
    for op in plan.person_ops:
        if bulk and op.user_id is None:
            continue  # invited above; a new hire is neither offboarded nor reactivated
        fields = dict(op.fields)
        if op.unit_code is not ...:
            fields["unit"] = units_by_code[op.unit_code] if op.unit_code else None
        if op.user_id is None:
            user = org.user_invite(
                invited_by=None,
                employee_number=op.employee_number,
                send_invitation=send_invitations,
                **fields,
            )
        else:
            user = users[op.user_id]
            if op.reactivate:
                user = org.user_reactivate(user=user)
            if fields:
                user = org.user_update(actor=None, user=user, **fields)
        if op.offboard:
            org.user_offboard(user_id=user.pk, today=plan.today)
        if op.leader_codes is not None:
            leaders.append((user, op.leader_codes))
    org.leader_scopes_grant_many(scopes=new_leaders)
    for user, codes in leaders:
        org.leader_scope_set(leader=user, units=[units_by_code[code] for code in codes])
    if confirm_leavers:
        for user in User.objects.filter(pk__in=plan.missing_leaver_ids, is_active=True):
            leaver_end(user=user, today=plan.today)


def _units_apply(ops: list, units_by_code: dict[str, OrgUnit]) -> None:
    """One level's unit operations, one by one through org's services."""
    for op in ops:
        parent = units_by_code[op.parent_code] if op.parent_code else None
        if op.unit_id is None:
            unit = org.unit_create(name=op.name, kind=op.kind, parent=parent, code=op.code)
        else:
            unit = OrgUnit.objects.get(pk=op.unit_id)
            if op.link:
                unit = org.unit_update(unit=unit, code=op.code)
            if op.rename or (op.kind and op.kind != unit.kind):
                unit = org.unit_update(unit=unit, name=op.name, kind=op.kind or None)
            if op.move:
                unit = org.unit_move(unit=unit, new_parent=parent)
                # The move rewrote the paths of the whole subtree: a new unit placed under one
                # of those units later on must start from its new path.
                for moved in OrgUnit.objects.filter(path__startswith=unit.path, code__isnull=False):
                    units_by_code[moved.code] = moved
            if unit.closed_at is not None:
                unit = org.unit_reopen(unit=unit)
        units_by_code[op.code] = unit


def leaver_end(*, user: User, today: date) -> User:
    """Offboard a person HR no longer lists: an end date (today at the latest), deactivated."""
    if user.end_date is None or user.end_date > today:
        end = today if user.start_date is None or user.start_date <= today else user.start_date
        user = org.user_update(actor=None, user=user, end_date=end)
    return org.user_deactivate(user=user)


# --- SCIM clients -----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def scim_client_create(*, name: str, created_by: User | None) -> tuple[ScimClient, str]:
    """Make a provisioning client and its bearer token; the token is returned this once only."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Giv klienten et navn."), fields={"name": [_("Skal udfyldes.")]})
    if ScimClient.objects.filter(name=name).exists():
        raise ConflictError(_("Der findes allerede en SCIM-klient med det navn."))
    token = "bro_scim_" + secrets.token_urlsafe(32)
    client = ScimClient.objects.create(
        name=name,
        token_hash=token_hash(token),
        token_prefix=token[:12],
        created_by=created_by,
    )
    return client, token


def scim_client_revoke(*, client: ScimClient) -> ScimClient:
    """Stop the client's token for good; a second call does nothing."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        ScimClient.objects.filter(pk=client.pk).update(revoked_at=client.revoked_at)
    return client
