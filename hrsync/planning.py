"""The difference between the HR file and Bro: what an import would change, and what it refuses.

`plan_import` reads Bro's current state in a handful of queries (people by employee number,
units, leader scopes, who holds which e-mail and phone), checks every row and compares it
field by field in memory, so a no-change re-import of 7,000 people writes nothing and costs
only those reads. The plan lists each change by kind for the dry run and holds the operations
`hrsync.services.plan_apply` carries out through org's services.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from org.models import Language, LeaderScope, OrgUnit, User

from .parsing import Row, Sheet

PERSON_FIELDS = (
    "name",
    "email",
    "phone",
    "job_title",
    "unit_id",
    "start_date",
    "end_date",
    "language",
)
CONTACT_FIELDS = ("email", "phone")
OTHER_FIELDS = ("name", "job_title", "start_date", "language")
# The kind a new unit gets from its depth when the file has no "enhedstype".
KIND_BY_DEPTH = (
    OrgUnit.Kind.DIREKTION,
    OrgUnit.Kind.OMRAADE,
    OrgUnit.Kind.AFDELING,
)
LANGUAGES = {"": "da", "da": "da", "dansk": "da", "en": "en", "engelsk": "en", "english": "en"}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
CATEGORIES = (
    "new_units",
    "linked_units",
    "renamed_units",
    "moved_units",
    "closed_units",
    "new_hires",
    "movers",
    "leader_changes",
    "contact_changes",
    "other_changes",
    "leavers",
    "returning",
    "missing_leavers",
)


@dataclass
class UnitOp:
    code: str
    name: str
    parent_code: str | None
    kind: str
    unit_id: int | None = None  # None: a new unit
    link: bool = False  # an existing unit without a code gets this one
    rename: bool = False
    move: bool = False
    depth: int = 0


@dataclass
class PersonOp:
    employee_number: str
    user_id: int | None  # None: a new hire
    fields: dict  # the fields to set (all of them for a new hire); unit as a code
    unit_code: str | None
    leader_codes: list[str] | None = None  # None: leave the person's scopes as they are
    reactivate: bool = False
    offboard: bool = False  # the end date has passed: deactivate as the offboarding task does


@dataclass
class Plan:
    mode: str
    today: date
    refusals: list[dict] = field(default_factory=list)
    report: dict[str, list[dict]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    unit_ops: list[UnitOp] = field(default_factory=list)
    closed_unit_ids: list[int] = field(default_factory=list)
    person_ops: list[PersonOp] = field(default_factory=list)
    missing_leaver_ids: list[int] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {category: len(rows) for category, rows in self.report.items()}
        counts["refused"] = len(self.refusals)
        return counts

    @property
    def has_changes(self) -> bool:
        return bool(self.unit_ops or self.closed_unit_ids or self.person_ops) or bool(
            self.missing_leaver_ids
        )

    def refuse(self, row: Row, reason: str) -> None:
        key = row.values.get("employee_number") or row.values.get("unit_code") or ""
        self.refusals.append({"row": row.number, "key": key, "reason": reason})


def _parse_date(raw: str) -> date | None:
    if not raw:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def parse_phone(raw: str) -> str | None:
    """The number in E.164 (Danish numbers without +45 accepted), None for blank."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, "DK")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(raw) from exc
    # Possible (right length for the country), not "valid": the library's list of assigned
    # ranges lags behind the operators, and HR must not be refused a real new number.
    if not phonenumbers.is_possible_number(number):
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _codes(raw: str) -> list[str]:
    return sorted({code for code in re.split(r"[,;|\s]+", raw) if code})


class _State:
    """Bro's current organisation, read once: people, units, scopes and identities."""

    def __init__(self) -> None:
        self.units = {
            u["id"]: u
            for u in OrgUnit.objects.values("id", "code", "name", "kind", "parent_id", "closed_at")
        }
        self.unit_by_code = {u["code"]: u for u in self.units.values() if u["code"]}
        self.people = {
            p["employee_number"]: p
            for p in User.objects.filter(employee_number__isnull=False).values(
                "id", "employee_number", "is_active", "erased_at", *PERSON_FIELDS
            )
        }
        self.scopes: dict[int, set[int]] = {}
        for leader_id, unit_id in LeaderScope.objects.values_list("leader_id", "unit_id"):
            self.scopes.setdefault(leader_id, set()).add(unit_id)
        self.email_owner = dict(
            User.objects.filter(email__isnull=False).values_list("email", "employee_number")
        )
        self.phone_owner = dict(
            User.objects.filter(phone__isnull=False).values_list("phone", "employee_number")
        )
        self.user_ids_with_email = dict(
            User.objects.filter(email__isnull=False).values_list("email", "id")
        )

    def code_of(self, unit_id: int | None) -> str | None:
        return self.units[unit_id]["code"] if unit_id else None


def plan_import(*, sheet: Sheet, mode: str, today: date) -> Plan:
    """Compare the file with Bro; nothing is written."""
    plan = Plan(mode=mode, today=today)
    state = _State()
    unit_rows, person_rows = [], []
    for row in sheet.rows:
        v = row.values
        is_unit = not v.get("employee_number") and not v.get("email") and not v.get("mobile")
        (unit_rows if is_unit else person_rows).append(row)
    known_codes = _plan_units(plan, state, unit_rows, sheet)
    _plan_people(plan, state, person_rows, sheet, known_codes)
    return plan


# --- units --------------------------------------------------------------------------------


def _plan_units(plan: Plan, state: _State, rows: list[Row], sheet: Sheet) -> set[str]:
    """Check and compare the unit rows; return every unit code a person may name."""
    by_code: dict[str, Row] = {}
    seen: dict[str, list[Row]] = {}
    for row in rows:
        code = row.values.get("unit_code", "")
        if not code:
            plan.refuse(row, _("Rækken mangler både medarbejdernummer og enhedskode."))
            continue
        if not row.values.get("name"):
            plan.refuse(row, _("Enheden %(code)s mangler et navn.") % {"code": code})
            continue
        kind = row.values.get("unit_kind", "").lower()
        if kind and kind not in OrgUnit.Kind.values:
            plan.refuse(
                row,
                _("Ukendt enhedstype “%(kind)s” (brug direktion, omraade, afdeling eller team).")
                % {"kind": kind},
            )
            continue
        seen.setdefault(code, []).append(row)
    for code, same in seen.items():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                plan.refuse(
                    row,
                    _("Enhedskoden %(code)s står flere gange i filen (også række %(rows)s).")
                    % {"code": code, "rows": others},
                )
        else:
            by_code[code] = same[0]

    # The tree after the import: file rows override the parents Bro has for coded units.
    parent_of = {code: state.code_of(u["parent_id"]) for code, u in state.unit_by_code.items()}
    for code, row in by_code.items():
        parent_of[code] = row.values.get("parent_unit_code") or None
    refused: dict[str, str] = {}
    for code in by_code:
        parent = parent_of[code]
        if parent and parent not in by_code and parent not in state.unit_by_code:
            refused[code] = _("Ukendt overordnet enhed: %(code)s.") % {"code": parent}
    for code in by_code:
        chain, current = [code], parent_of[code]
        while current and current not in chain:
            chain.append(current)
            current = parent_of.get(current)
        if current == code:
            path = " → ".join([*chain, code])
            refused.setdefault(code, _("Enhedstræet får en løkke: %(path)s.") % {"path": path})
    # A unit under a refused unit cannot be placed either.
    changed = True
    while changed:
        changed = False
        for code in by_code:
            parent = parent_of[code]
            if code not in refused and parent in refused:
                refused[code] = _("Den overordnede enhed %(code)s er afvist.") % {"code": parent}
                changed = True
    for code, reason in refused.items():
        plan.refuse(by_code[code], reason)
    accepted = {code: row for code, row in by_code.items() if code not in refused}

    def depth(code: str) -> int:
        d, current = 0, parent_of.get(code)
        while current:
            d, current = d + 1, parent_of.get(current)
        return d

    linked_ids: dict[str, int] = {}  # code → id of an uncoded unit that takes the code
    for code in sorted(accepted, key=depth):
        row = accepted[code]
        name, parent_code = row.values["name"], parent_of[code]
        kind = row.values.get("unit_kind", "").lower()
        existing = state.unit_by_code.get(code)
        op = UnitOp(code=code, name=name, parent_code=parent_code, kind=kind, depth=depth(code))
        if existing is None:
            parent_id = (
                state.unit_by_code[parent_code]["id"]
                if parent_code in state.unit_by_code
                else linked_ids.get(parent_code)
            )
            twin = next(
                (
                    u
                    for u in state.units.values()
                    if u["code"] is None
                    and u["name"] == name
                    and u["parent_id"] == parent_id
                    and (parent_id is not None or parent_code is None)
                    and u["id"] not in linked_ids.values()
                ),
                None,
            )
            if twin is not None:
                # Go-live: a unit made by hand before HR sync takes its HR code.
                op.unit_id, op.link = twin["id"], True
                linked_ids[code] = twin["id"]
                twin["code"] = code  # from here on the plan knows the unit by its code
                state.unit_by_code[code] = twin
                plan.report["linked_units"].append({"code": code, "name": name})
            else:
                default = KIND_BY_DEPTH[op.depth] if op.depth < 3 else OrgUnit.Kind.TEAM
                op.kind = kind or default
                plan.report["new_units"].append({"code": code, "name": name, "parent": parent_code})
            plan.unit_ops.append(op)
            continue
        op.unit_id = existing["id"]
        old_parent = state.code_of(existing["parent_id"])
        if existing["name"] != name:
            op.rename = True
            plan.report["renamed_units"].append(
                {"code": code, "from": existing["name"], "to": name}
            )
        if old_parent != parent_code:
            op.move = True
            plan.report["moved_units"].append(
                {"code": code, "name": name, "from": old_parent, "to": parent_code}
            )
        if op.rename or op.move or (kind and kind != existing["kind"]):
            plan.unit_ops.append(op)
    if plan.mode == "full" and rows:
        # Only a file that lists units closes the coded units it leaves out.
        listed = set(seen)
        for code, unit in sorted(state.unit_by_code.items()):
            if code not in listed and unit["closed_at"] is None:
                plan.closed_unit_ids.append(unit["id"])
                plan.report["closed_units"].append({"code": code, "name": unit["name"]})
    return set(state.unit_by_code) - set(refused) | set(accepted)


# --- people -------------------------------------------------------------------------------


def _plan_people(
    plan: Plan, state: _State, rows: list[Row], sheet: Sheet, known_codes: set[str]
) -> None:
    keys: dict[str, list[Row]] = {}
    for row in rows:
        keys.setdefault(row.values.get("employee_number", ""), []).append(row)
    emails_in_file: dict[str, str] = {}
    phones_in_file: dict[str, str] = {}
    for row in rows:
        number = row.values.get("employee_number", "")
        if not number:
            plan.refuse(row, _("Rækken mangler medarbejdernummer."))
            continue
        if len(keys[number]) > 1:
            others = ", ".join(str(r.number) for r in keys[number] if r is not row)
            plan.refuse(
                row,
                _("Medarbejdernummeret %(number)s står flere gange i filen (også række %(rows)s).")
                % {"number": number, "rows": others},
            )
            continue
        wanted = _person_values(plan, row, sheet, known_codes)
        if wanted is None:
            continue
        fields, leader_codes = wanted
        if number not in state.people and not fields.get("email") and not fields.get("phone"):
            plan.refuse(row, _("Angiv e-mail eller mobilnummer."))
            continue
        if not _identity_free(plan, row, state, fields, emails_in_file, phones_in_file):
            continue
        _compare_person(plan, state, number, fields, leader_codes)

    if plan.mode == "full":
        listed = set(keys)
        for number, person in sorted(state.people.items()):
            if number not in listed and person["is_active"] and person["erased_at"] is None:
                plan.missing_leaver_ids.append(person["id"])
                plan.report["missing_leavers"].append(
                    {"employee_number": number, "name": person["name"]}
                )


def _person_values(
    plan: Plan, row: Row, sheet: Sheet, known_codes: set[str]
) -> tuple[dict, list[str] | None] | None:
    """The row's values for Bro's fields, or None when the row is refused."""
    v = row.values
    fields: dict = {"name": v.get("name", "")}
    if not fields["name"]:
        plan.refuse(row, _("Navn mangler."))
        return None
    if "email" in sheet.fields:
        email = v.get("email", "").lower() or None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                plan.refuse(row, _("Ugyldig e-mailadresse: %(email)s.") % {"email": email})
                return None
        fields["email"] = email
    if "mobile" in sheet.fields:
        try:
            fields["phone"] = parse_phone(v.get("mobile", ""))
        except ValueError:
            plan.refuse(
                row,
                _("Mobilnummeret %(phone)s kan ikke læses som et telefonnummer.")
                % {"phone": v.get("mobile", "")},
            )
            return None
    both = "email" in sheet.fields and "mobile" in sheet.fields
    if both and not fields["email"] and not fields["phone"]:
        plan.refuse(row, _("Angiv e-mail eller mobilnummer."))
        return None
    if "job_title" in sheet.fields:
        fields["job_title"] = v.get("job_title", "")
    if "unit_code" in sheet.fields:
        code = v.get("unit_code", "") or None
        if code and code not in known_codes:
            plan.refuse(row, _("Ukendt enhed: %(code)s.") % {"code": code})
            return None
        fields["unit_code"] = code
    for name in ("start_date", "end_date"):
        if name in sheet.fields:
            try:
                fields[name] = _parse_date(v.get(name, ""))
            except ValueError:
                plan.refuse(
                    row,
                    _("Datoen %(date)s kan ikke læses (brug ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")
                    % {"date": v.get(name, "")},
                )
                return None
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        plan.refuse(row, _("Slutdatoen ligger før startdatoen."))
        return None
    if "language" in sheet.fields:
        language = LANGUAGES.get(v.get("language", "").lower())
        if language not in Language.values:
            plan.refuse(
                row,
                _("Ukendt sprog: %(language)s (brug da eller en).") % {"language": v["language"]},
            )
            return None
        fields["language"] = language
    leader_codes = None
    if "leader_of" in sheet.fields:
        leader_codes = _codes(v.get("leader_of", ""))
        unknown = [code for code in leader_codes if code not in known_codes]
        if unknown:
            plan.refuse(
                row, _("Ukendt enhed i leder for: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
            return None
    return fields, leader_codes


def _identity_free(
    plan: Plan,
    row: Row,
    state: _State,
    fields: dict,
    emails_in_file: dict[str, str],
    phones_in_file: dict[str, str],
) -> bool:
    number = row.values["employee_number"]
    checks = (
        ("email", state.email_owner, emails_in_file, _("E-mailadressen %(value)s")),
        ("phone", state.phone_owner, phones_in_file, _("Mobilnummeret %(value)s")),
    )
    for name, owners, in_file, label in checks:
        value = fields.get(name)
        if not value:
            continue
        owner = owners.get(value, number)
        if owner != number or in_file.get(value, number) != number:
            plan.refuse(
                row,
                _("%(what)s bruges allerede af en anden person.")
                % {"what": label % {"value": value}},
            )
            return False
    for name, _owners, in_file, _label in checks:
        if fields.get(name):
            in_file[fields[name]] = number
    return True


def _compare_person(
    plan: Plan, state: _State, number: str, fields: dict, leader_codes: list[str] | None
) -> None:
    today = plan.today
    existing = state.people.get(number)
    unit_code = fields.pop("unit_code", None) if "unit_code" in fields else ...
    who = {"employee_number": number, "name": fields["name"]}
    if existing is None:
        op = PersonOp(
            employee_number=number,
            user_id=None,
            fields=fields,
            unit_code=None if unit_code is ... else unit_code,
            leader_codes=leader_codes or None,
        )
        plan.person_ops.append(op)
        plan.report["new_hires"].append({**who, "unit": op.unit_code})
        if leader_codes:
            plan.report["leader_changes"].append({**who, "from": [], "to": leader_codes})
        return
    if existing["erased_at"] is not None:
        return  # an erased person keeps no employee number, so cannot be matched
    changes: dict = {}
    for name, value in fields.items():
        if existing[name] != value:
            changes[name] = value
    op = PersonOp(employee_number=number, user_id=existing["id"], fields=changes, unit_code=...)
    old_code = state.code_of(existing["unit_id"])
    if unit_code is not ... and unit_code != old_code:
        op.unit_code = unit_code
        plan.report["movers"].append({**who, "from": old_code, "to": unit_code})
    if leader_codes is not None:
        scope_ids = state.scopes.get(existing["id"], set())
        current = sorted(code for code in map(state.code_of, scope_ids) if code)
        # A scope over a unit without a code is one the file cannot name: it changes too.
        if current != leader_codes or len(current) != len(scope_ids):
            op.leader_codes = leader_codes
            plan.report["leader_changes"].append({**who, "from": current, "to": leader_codes})
    contact = {k: v for k, v in changes.items() if k in CONTACT_FIELDS}
    if contact:
        plan.report["contact_changes"].append(
            {**who, "changes": {k: [existing[k], v] for k, v in contact.items()}}
        )
    other = {k: v for k, v in changes.items() if k in OTHER_FIELDS}
    if other:
        plan.report["other_changes"].append(
            {**who, "changes": {k: [_show(existing[k]), _show(v)] for k, v in other.items()}}
        )
    end_date = fields.get("end_date", existing["end_date"])
    if "end_date" in changes and end_date is not None:
        plan.report["leavers"].append({**who, "end_date": end_date.isoformat()})
    elif end_date is not None and end_date < today and existing["is_active"]:
        plan.report["leavers"].append({**who, "end_date": end_date.isoformat()})
        op.offboard = True
    if not existing["is_active"] and (end_date is None or end_date >= today):
        op.reactivate = True
        plan.report["returning"].append(who)
    if end_date is not None and end_date < today and not op.reactivate:
        op.offboard = existing["is_active"]
    if (
        op.fields
        or op.unit_code is not ...
        or op.leader_codes is not None
        or op.reactivate
        or op.offboard
    ):
        plan.person_ops.append(op)


def _show(value):
    return value.isoformat() if isinstance(value, date) else value
