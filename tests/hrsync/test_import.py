"""The HR file import: the dry run's difference, refused rows, applying, idempotency, modes."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from hrsync import services
from hrsync.models import ImportRun
from org.models import LeaderScope, OrgUnit, User

from .conftest import HEADER, PEOPLE_ROWS, TODAY, UNIT_ROWS, csv_file, snapshot


def preview(content: bytes, mode="incremental", name="hr.csv"):
    return services.import_preview(
        content=content, file_name=name, mode=mode, started_by=None, source="command"
    )


def apply(content: bytes, mode="incremental", name="hr.csv", **kwargs):
    return services.import_apply(
        content=content, file_name=name, mode=mode, started_by=None, source="command", **kwargs
    )


def changes(run: ImportRun) -> dict:
    return {kind: rows for kind, rows in run.report["changes"].items() if rows}


# Every kind of difference at once: a new unit, a renamed one, a moved one; a new hire, a mover,
# a leader change, a new phone, a leaver with a date ahead and one whose date has passed.
EVERY_KIND_UNITS = [
    ";Direktionen;;;100;;;;;;",
    ";Ældre og Sundhed;;;110;100;;;;;",
    ";Hjemmeplejen Nord;;;111;110;;;;;",
    ";Hjemmeplejen Syd og Vest;;;112;100;;;;;",
    ";Sygeplejen;;;113;110;;;;;",
]
EVERY_KIND_PEOPLE = [
    "E1;Mette Hansen;mette@example.dk;+4521000001;112;;Social- og sundhedshjælper;;2020-01-01;;da",
    "E2;Jens Nielsen;;21 99 88 77;112;;Social- og sundhedshjælper;;2021-05-01;2027-01-31;da",
    "E3;Lone Jensen;lone@example.dk;;111;;Leder;111,113;2019-03-01;30-11-2026;da",
    "E4;Sara Nyborg;sara@example.dk;;113;;Sygeplejerske;;2027-01-04;;en",
]


def test_the_dry_run_lists_every_kind_of_difference_and_changes_nothing(hr_org):
    # Given Bro as the HR system had it, and a file with one change of each kind
    before = snapshot()
    content = csv_file(units=EVERY_KIND_UNITS, people=EVERY_KIND_PEOPLE)
    # When HR previews it
    run, _plan = preview(content)
    # Then the difference lists each change by kind, no row is refused, and nothing changed
    assert changes(run) == {
        "new_units": [{"code": "113", "name": "Sygeplejen", "parent": "110"}],
        "renamed_units": [
            {"code": "112", "from": "Hjemmeplejen Syd", "to": "Hjemmeplejen Syd og Vest"}
        ],
        "moved_units": [
            {"code": "112", "name": "Hjemmeplejen Syd og Vest", "from": "110", "to": "100"}
        ],
        "new_hires": [{"employee_number": "E4", "name": "Sara Nyborg", "unit": "113"}],
        "movers": [{"employee_number": "E1", "name": "Mette Hansen", "from": "111", "to": "112"}],
        "leader_changes": [
            {"employee_number": "E3", "name": "Lone Jensen", "from": ["111"], "to": ["111", "113"]}
        ],
        "contact_changes": [
            {
                "employee_number": "E2",
                "name": "Jens Nielsen",
                "changes": {"phone": ["+4521000002", "+4521998877"]},
            }
        ],
        "leavers": [
            {"employee_number": "E2", "name": "Jens Nielsen", "end_date": "2027-01-31"},
            {"employee_number": "E3", "name": "Lone Jensen", "end_date": "2026-11-30"},
        ],
    }
    assert run.report["refusals"] == []
    assert (run.status, run.source) == (ImportRun.Status.PREVIEW, "command")
    assert snapshot() == before


def test_applying_carries_out_every_kind_of_difference_through_the_services(
    hr_org, mailoutbox, django_capture_on_commit_callbacks
):
    # Given the file with one change of each kind
    content = csv_file(units=EVERY_KIND_UNITS, people=EVERY_KIND_PEOPLE)
    # When it is applied (and its transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        run, _plan = apply(content)
    # Then units are created, renamed and moved, with paths rewritten
    syd = OrgUnit.objects.get(code="112")
    sygeplejen = OrgUnit.objects.get(code="113")
    assert (syd.name, syd.parent_id, syd.path) == (
        "Hjemmeplejen Syd og Vest",
        hr_org.root.pk,
        f"/{hr_org.root.pk}/{syd.pk}/",
    )
    assert (sygeplejen.parent_id, sygeplejen.kind) == (hr_org.area.pk, OrgUnit.Kind.AFDELING)
    # And the new hire is invited (in English, their language), the mover moved, the phone new
    sara = User.objects.get(employee_number="E4")
    assert (sara.unit_id, sara.language, sara.start_date) == (
        sygeplejen.pk,
        "en",
        dt.date(2027, 1, 4),
    )
    assert [m.to for m in mailoutbox] == [["sara@example.dk"]]
    assert User.objects.get(employee_number="E1").unit_id == syd.pk
    jens = User.objects.get(employee_number="E2")
    assert (jens.phone, jens.end_date, jens.is_active) == (
        "+4521998877",
        dt.date(2027, 1, 31),
        True,
    )
    # And the leader leads both units; her end date has passed, so she is offboarded now
    lone = User.objects.get(employee_number="E3")
    assert sorted(LeaderScope.objects.filter(leader=lone).values_list("unit__code", flat=True)) == [
        "111",
        "113",
    ]
    assert (lone.end_date, lone.is_active) == (dt.date(2026, 11, 30), False)
    assert (run.status, run.counts["new_hires"], run.counts["refused"]) == ("applied", 1, 0)


def test_the_same_file_twice_changes_nothing_the_second_time(hr_org):
    # Given a file that has been applied once
    content = csv_file(units=EVERY_KIND_UNITS, people=EVERY_KIND_PEOPLE)
    apply(content)
    after_first = snapshot()
    # When the same file is applied again
    run, plan = apply(content)
    # Then the second run finds no difference and writes nothing
    assert changes(run) == {}
    assert plan.has_changes is False
    assert snapshot() == after_first


def test_a_file_matching_bro_has_no_difference(hr_org):
    # Given a file exactly as Bro is
    run, plan = preview(csv_file())
    # Then there is nothing to do
    assert (changes(run), run.report["refusals"], plan.has_changes) == ({}, [], False)


BAD_ROWS = [
    (
        "E9;Ida Holm;ida@@example;;111;;;;;;da",
        "Ugyldig e-mailadresse: ida@@example.",
    ),
    (
        "E9;Ida Holm;;12ab;111;;;;;;da",
        "Mobilnummeret 12ab kan ikke læses som et telefonnummer.",
    ),
    ("E9;Ida Holm;ida@example.dk;;999;;;;;;da", "Ukendt enhed: 999."),
    ("E9;Ida Holm;ida@example.dk;;111;;;998;;;da", "Ukendt enhed i leder for: 998."),
    (
        "E9;Ida Holm;ida@example.dk;;111;;;;1. maj;;da",
        "Datoen 1. maj kan ikke læses (brug ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).",
    ),
    (
        "E9;Ida Holm;ida@example.dk;;111;;;;2026-05-01;2026-04-01;da",
        "Slutdatoen ligger før startdatoen.",
    ),
    ("E9;Ida Holm;ida@example.dk;;111;;;;;;fr", "Ukendt sprog: fr (brug da eller en)."),
    ("E9;Ida Holm;;;111;;;;;;da", "Angiv e-mail eller mobilnummer."),
    ("E9;;ida@example.dk;;111;;;;;;da", "Navn mangler."),
    (
        "E9;Ida Holm;mette@example.dk;;111;;;;;;da",
        "E-mailadressen mette@example.dk bruges allerede af en anden person.",
    ),
    (";Sygeplejen;;;;110;;;;;", "Rækken mangler både medarbejdernummer og enhedskode."),
    (";Sygeplejen;;;113;777;;;;;", "Ukendt overordnet enhed: 777."),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_is_refused_with_its_row_number_and_a_danish_reason(hr_org, row, reason):
    # Given a file whose last row is wrong, after a good new hire
    good = "E8;Bo Berg;bo@example.dk;;111;;;;;;da"
    content = csv_file(good, row)
    before = User.objects.count()
    # When it is applied
    run, _plan = apply(content)
    # Then the bad row (row 10 of the file) is refused with the reason, and the good row applied
    assert run.report["refusals"] == [
        {"row": 10, "key": row.split(";")[0] or row.split(";")[4], "reason": reason}
    ]
    assert User.objects.count() == before + 1
    assert not User.objects.filter(employee_number="E9").exists()
    assert not OrgUnit.objects.filter(code="113").exists()


def test_a_duplicate_employee_number_refuses_every_row_with_it(hr_org):
    # Given two rows with the same key
    content = csv_file(
        "E9;Ida Holm;ida@example.dk;;111;;;;;;da", "E9;Ida Hansen;ih@example.dk;;112;;;;;;da"
    )
    # When previewed
    run, _plan = preview(content)
    # Then both are refused, each naming the other row, and E9 is not created
    assert run.report["refusals"] == [
        {
            "row": 9,
            "key": "E9",
            "reason": "Medarbejdernummeret E9 står flere gange i filen (også række 10).",
        },
        {
            "row": 10,
            "key": "E9",
            "reason": "Medarbejdernummeret E9 står flere gange i filen (også række 9).",
        },
    ]
    assert run.counts["new_hires"] == 0


def test_a_cycle_in_the_unit_tree_is_refused_and_nothing_under_it_is_placed(hr_org):
    # Given unit rows where 120 is under 121 and 121 under 120, and a person in 121
    units = [*UNIT_ROWS, ";Team A;;;120;121;;;;;", ";Team B;;;121;120;;;;;"]
    content = csv_file("E9;Ida Holm;ida@example.dk;;121;;;;;;da", units=units)
    before = snapshot()
    # When applied
    run, _plan = apply(content)
    # Then both unit rows are refused for the loop, and the person for the unknown unit
    assert run.report["refusals"] == [
        {"row": 6, "key": "120", "reason": "Enhedstræet får en løkke: 120 → 121 → 120."},
        {"row": 7, "key": "121", "reason": "Enhedstræet får en løkke: 121 → 120 → 121."},
        {"row": 11, "key": "E9", "reason": "Ukendt enhed: 121."},
    ]
    assert snapshot() == before


def test_a_move_that_would_put_a_unit_under_its_own_child_is_a_cycle(hr_org):
    # Given a file that moves Ældre og Sundhed under Hjemmeplejen Nord (its own child)
    units = [
        ";Direktionen;;;100;;;;;;",
        ";Ældre og Sundhed;;;110;111;;;;;",
        ";Hjemmeplejen Nord;;;111;110;;;;;",
        ";Hjemmeplejen Syd;;;112;110;;;;;",
    ]
    # When previewed
    run, _plan = preview(csv_file(units=units))
    # Then the two rows of the loop are refused, Syd (under the loop) too, and so are the people
    # in those units: none of them can be placed
    assert [r["key"] for r in run.report["refusals"]] == ["110", "111", "112", "E1", "E2", "E3"]
    assert run.report["refusals"][2]["reason"] == "Den overordnede enhed 110 er afvist."


def test_full_mode_lists_people_missing_from_the_file_and_holds_them(hr_org):
    # Given a full file without Jens (E2)
    people = [PEOPLE_ROWS[0], PEOPLE_ROWS[2]]
    content = csv_file(people=people)
    # When applied without HR's confirmation
    run, _plan = apply(content, mode="full")
    # Then Jens is listed as a leaver but still active
    assert run.report["changes"]["missing_leavers"] == [
        {"employee_number": "E2", "name": "Jens Nielsen"}
    ]
    assert run.counts["missing_leavers_held"] == 1
    assert User.objects.get(employee_number="E2").is_active is True
    # When HR confirms the list
    run, _plan = apply(content, mode="full", confirm_leavers=True)
    # Then Jens is offboarded: an end date of today and deactivated
    jens = User.objects.get(employee_number="E2")
    assert (jens.is_active, jens.end_date, run.leavers_confirmed) == (False, TODAY, True)


def test_full_mode_closes_units_missing_from_the_file(hr_org):
    # Given a full file without Hjemmeplejen Syd (and Jens moved out of it)
    units = UNIT_ROWS[:3]
    people = [PEOPLE_ROWS[0], PEOPLE_ROWS[1].replace(";112;", ";111;"), PEOPLE_ROWS[2]]
    # When applied
    run, _plan = apply(csv_file(units=units, people=people), mode="full")
    # Then the unit is closed, not deleted
    assert run.report["changes"]["closed_units"] == [{"code": "112", "name": "Hjemmeplejen Syd"}]
    assert OrgUnit.objects.get(code="112").closed_at is not None


def test_a_person_who_returns_is_reactivated(hr_org):
    # Given Jens was deactivated when he left
    from org import services as org_services

    org_services.user_deactivate(user=hr_org.jens)
    # When he is in the file again with no end date
    run, _plan = apply(csv_file())
    # Then he is active again
    assert run.report["changes"]["returning"] == [{"employee_number": "E2", "name": "Jens Nielsen"}]
    assert User.objects.get(employee_number="E2").is_active is True


def test_a_changed_login_address_ends_the_persons_sessions(hr_org):
    # Given Mette's security stamp
    stamp = hr_org.mette.security_stamp
    # When HR changes her e-mail
    apply(csv_file(people=[PEOPLE_ROWS[0].replace("mette@", "mette.h@"), *PEOPLE_ROWS[1:]]))
    # Then her stamp rotated, so every session token she held stopped working
    mette = User.objects.get(employee_number="E1")
    assert (mette.email, mette.security_stamp != stamp) == ("mette.h@example.dk", True)


def test_an_xlsx_file_reads_like_the_csv(hr_org):
    # Given the same rows in a workbook, with a real date cell and a numeric phone cell
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    for line in [*UNIT_ROWS, *PEOPLE_ROWS, "E9;Ida Holm;;;111;;;;;;da"]:
        sheet.append(line.split(";"))
    sheet.cell(row=sheet.max_row, column=4, value=21000009)
    sheet.cell(row=sheet.max_row, column=9, value=dt.datetime(2027, 2, 1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    # When it is previewed
    run, _plan = preview(buffer.getvalue(), name="hr.xlsx")
    # Then it finds the one new hire, with the number and date read from the cells
    assert changes(run) == {
        "new_hires": [{"employee_number": "E9", "name": "Ida Holm", "unit": "111"}]
    }
    apply(buffer.getvalue(), name="hr.xlsx")
    ida = User.objects.get(employee_number="E9")
    assert (ida.phone, ida.start_date) == ("+4521000009", dt.date(2027, 2, 1))


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"navn;email\nA;a@example.dk", "hr.csv", "Filen mangler kolonnen: medarbejdernummer."),
        (b"", "hr.csv", "Filen er tom."),
        (b"x", "hr.pdf", "Filen skal være CSV eller XLSX."),
        (b"not a workbook", "hr.xlsx", "XLSX-filen kan ikke læses."),
    ],
)
def test_an_unreadable_file_is_refused_whole(hr_org, content, name, message):
    from backend.errors import ApplicationError

    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        apply(content, name=name)
    assert refused.value.message == message
    assert snapshot() == before


def test_the_example_file_imports_into_an_empty_bro_without_refusals(db, frozen):
    # Given the example file shipped in the repository
    from pathlib import Path

    content = (Path(__file__).parents[2] / "hrsync" / "examples" / "medarbejdere.csv").read_bytes()
    # When it is previewed against an empty organisation
    run, _plan = preview(content, name="medarbejdere.csv")
    # Then every row is accepted: units first, then people
    assert run.report["refusals"] == []
    assert (run.counts["new_units"], run.counts["new_hires"]) == (31, 8)
