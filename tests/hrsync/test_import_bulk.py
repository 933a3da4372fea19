"""New hires in bulk: the same outcome as inviting them one by one, in queries that do not grow.

The import invites new hires through org.users_invite_many (and onboarding's set-based
on-invite hook); `plan_apply(bulk=False)` invites them through user_invite one by one. The same
file through both, from the same Bro, must leave the same rows, journeys, roles, scopes and
invitations behind.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backend.errors import ConflictError
from hrsync import services
from hrsync.parsing import read_sheet
from hrsync.planning import plan_import
from onboarding.models import Doer, Journey, JourneyStep, StepKind, Track, TrackKind
from org import services as org_services
from org.models import LeaderScope, OrgUnit, User, UserRole
from tests.onboarding.factories import TrackFactory, quiz_step, step

from .conftest import TODAY, UNIT_ROWS, csv_file

# New hires of every sort next to the known three: future and past start dates, a leader of
# two units (one of them new), phone only, English, no unit, and an end date already set.
BULK_UNITS = [*UNIT_ROWS, ";Sygeplejen;;;113;110;;;;;"]
BULK_PEOPLE = [
    "E1;Mette Hansen;mette@example.dk;+4521000001;111;;Social- og sundhedshjælper;;2020-01-01;;da",
    "E2;Jens Nielsen;;+4521000002;112;;Social- og sundhedshjælper;;2021-05-01;;da",
    "E3;Lone Jensen;lone@example.dk;;111;;Leder;111;2019-03-01;;da",
    "N1;Sara Nyborg;sara@example.dk;;113;;Sygeplejerske;;2027-01-04;;en",
    "N2;Ole Bak;;21 22 33 44;111;;Social- og sundhedshjælper;;2026-12-14;;da",
    "N3;Karen Lund;karen@example.dk;+4521000005;;;Leder;112,113;2026-12-07;;da",
    "N4;Peter Holm;peter@example.dk;;112;;Social- og sundhedshjælper;;2018-02-01;;da",
    "N5;Ida Berg;ida@example.dk;;111;;Elev;;2026-12-21;2027-06-30;da",
]


@pytest.fixture
def tracks(hr_org):
    """Auto-assigned tracks: onboarding for everyone (with a quiz that needs the welcome
    read first), one for home carers, and offboarding for everyone."""
    everyone = org_services.audience_create(created_by=None, everyone=True)
    carers = org_services.audience_create(
        created_by=None, job_titles=["Social- og sundhedshjælper"]
    )
    TrackFactory(
        name="Ny i kommunen",
        audience=everyone,
        auto_assign=True,
        steps=[
            step("Velkommen", -7, StepKind.ACKNOWLEDGE),
            quiz_step(
                "Quiz", 1, [("Hvem ringer du til?", ["Leder", "Ingen"], {"Leder"})], requires=0
            ),
            step("Opret i vagtplan", -3, doer=Doer.LEADER),
        ],
    )
    TrackFactory(name="Hjemmepleje", audience=carers, auto_assign=True)
    TrackFactory(name="Farvel", audience=everyone, auto_assign=True, kind=TrackKind.OFFBOARDING)


def outcome(mailoutbox) -> dict:
    """Everything an import leaves behind, by natural keys (no ids, no random stamps)."""
    code = dict(OrgUnit.objects.values_list("pk", "code"))
    number = {pk: n or "" for pk, n in User.objects.values_list("pk", "employee_number")}
    track = dict(Track.objects.values_list("pk", "name"))
    random_or_id = {"id", "password", "security_stamp"}
    people = {
        u["employee_number"]: {
            **{k: v for k, v in u.items() if k not in random_or_id},
            "unit_id": code.get(u["unit_id"]),
        }
        for u in User.objects.values()
    }
    position = dict(JourneyStep.objects.values_list("pk", "position"))
    steps = {}
    for s in JourneyStep.objects.values():
        steps.setdefault(s["journey_id"], []).append(
            {
                **{k: v for k, v in s.items() if k not in ("id", "journey_id", "requires_id")},
                "doer_user_id": number.get(s["doer_user_id"]),
                "requires": position.get(s["requires_id"]),
            }
        )
    journeys = sorted(
        (
            number[j["user_id"]],
            track[j["track_id"]],
            {
                **{k: v for k, v in j.items() if k not in ("id", "user_id", "track_id")},
                "leader_id": number.get(j["leader_id"]),
            },
            sorted(steps.get(j["id"], []), key=lambda s: s["position"]),
        )
        for j in Journey.objects.values()
    )
    return {
        "people": people,
        "units": sorted(OrgUnit.objects.values_list("code", "name", "kind", "depth", "closed_at")),
        "roles": sorted((number[u], r) for u, r in UserRole.objects.values_list("user_id", "role")),
        "scopes": sorted(
            (number[lead], code[unit])
            for lead, unit in LeaderScope.objects.values_list("leader_id", "unit_id")
        ),
        "journeys": journeys,
        "mail": sorted((m.to, m.subject, m.body) for m in mailoutbox),
    }


def apply_and_look(content, *, bulk, mailoutbox, capture) -> dict:
    """Apply the file in a savepoint, run what its commit would run, look, then undo it all."""
    mailoutbox.clear()
    with transaction.atomic():
        with capture(execute=True):
            plan = plan_import(
                sheet=read_sheet(content=content, file_name="hr.csv"),
                mode="incremental",
                today=TODAY,
            )
            with transaction.atomic():
                services.plan_apply(plan=plan, confirm_leavers=False, bulk=bulk)
        seen = outcome(mailoutbox)
        transaction.set_rollback(True)
    return seen


@pytest.mark.after_commit
def test_new_hires_in_bulk_come_out_as_invited_one_by_one(
    hr_org, tracks, mailoutbox, django_capture_on_commit_callbacks
):
    # Given Bro with three people, auto-assigned tracks, and a file with five new hires
    content = csv_file(units=BULK_UNITS, people=BULK_PEOPLE)
    before = outcome(mailoutbox)
    # When the file is applied one by one, undone, and applied in bulk
    one_by_one = apply_and_look(
        content, bulk=False, mailoutbox=mailoutbox, capture=django_capture_on_commit_callbacks
    )
    mailoutbox.clear()
    assert outcome(mailoutbox) == before
    in_bulk = apply_and_look(
        content, bulk=True, mailoutbox=mailoutbox, capture=django_capture_on_commit_callbacks
    )
    # Then both leave exactly the same behind
    assert in_bulk == one_by_one
    # And that is the real thing: five new people, the invitations, the leader's two units,
    # and the journeys each one's dates and job call for
    assert sorted(in_bulk["people"]) == ["E1", "E2", "E3", "N1", "N2", "N3", "N4", "N5"]
    assert [m[0] for m in in_bulk["mail"]] == [
        ["ida@example.dk"],
        ["karen@example.dk"],
        ["peter@example.dk"],
        ["sara@example.dk"],
    ]
    assert len(mailoutbox) == 4  # Ole has a phone only: his invitation is an SMS
    assert [s for s in in_bulk["scopes"] if s[0] == "N3"] == [("N3", "112"), ("N3", "113")]
    assert ("N3", "leader") in in_bulk["roles"]
    assert [
        (number, name, str(j["anchor_date"]), j["leader_id"], len(steps))
        for number, name, j, steps in in_bulk["journeys"]
    ] == [
        ("N1", "Ny i kommunen", "2027-01-04", "N3", 3),
        ("N2", "Hjemmepleje", "2026-12-14", "E3", 3),
        ("N2", "Ny i kommunen", "2026-12-14", "E3", 3),
        ("N3", "Ny i kommunen", "2026-12-07", None, 3),
        ("N5", "Farvel", "2027-06-30", "E3", 3),
        ("N5", "Ny i kommunen", "2026-12-21", "E3", 3),
    ]
    quiz = next(s for j in in_bulk["journeys"] for s in j[3] if s["kind"] == StepKind.QUIZ)
    assert (quiz["requires"], len(quiz["quiz"])) == (0, 1)


@pytest.mark.after_commit
def test_a_refused_bulk_invitation_leaves_nothing(hr_org, tracks, mailoutbox):
    # Given a planned file, and then someone given a new hire's e-mail by hand before it runs
    content = csv_file(units=BULK_UNITS, people=BULK_PEOPLE)
    plan = plan_import(
        sheet=read_sheet(content=content, file_name="hr.csv"), mode="incremental", today=TODAY
    )
    org_services.user_invite(
        invited_by=None, name="Sara Hånd", email="sara@example.dk", send_invitation=False
    )
    before = outcome(mailoutbox)
    # When the plan is applied in one transaction
    with pytest.raises(ConflictError) as refused, transaction.atomic():
        services.plan_apply(plan=plan, confirm_leavers=False)
    # Then it is refused as user_invite refuses it, and nothing changed
    assert (refused.value.code, refused.value.fields) == (
        "already_exists",
        {"email": ["E-mailadressen er allerede i brug."]},
    )
    assert outcome(mailoutbox) == before


def _first_import_queries(people: int, teams: int, capture) -> int:
    team_rows = [f";Team {n};;;T{n};111;;;;;" for n in range(teams)]
    rows = [
        f"K{n:03d};Person {n};p{n}@example.dk;;T{n % teams};;Medarbejder;"
        f"{'113' if n == 0 else ''};2026-12-{7 + n % 20:02d};;da"
        for n in range(people)
    ]
    content = csv_file(*rows, units=[*BULK_UNITS, *team_rows], people=[])
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, capture(execute=True):
            services.import_apply(
                content=content,
                file_name="hr.csv",
                mode="incremental",
                started_by=None,
                source="command",
            )
        assert User.objects.filter(employee_number__startswith="K").count() == people
        assert OrgUnit.objects.filter(code__startswith="T").count() == teams
        transaction.set_rollback(True)
    return len(queries)


@pytest.mark.after_commit
def test_a_first_import_costs_the_same_queries_for_30_people_as_for_90(
    hr_org, tracks, mailoutbox, django_capture_on_commit_callbacks
):
    # Given files of 30 new hires in 3 new teams and of 90 in 9 (within one batch), all with
    # journeys to be made
    # When each is applied and its commit's invitations and hooks run
    few = _first_import_queries(30, 3, django_capture_on_commit_callbacks)
    many = _first_import_queries(90, 9, django_capture_on_commit_callbacks)
    # Then the count is the same: nothing is read or written per person or per unit (one
    # savepoint, the plan's reads, the units level by level, the people, roles and scope in
    # bulk, the run; then one invitation task and one hook task with their reads and inserts)
    assert (few, many) == (54, 54)
