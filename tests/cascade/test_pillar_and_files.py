"""A cascade's pillar of Kernefortællingen, measured before and after it, and its files."""

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cascade import services
from cascade.models import Cascade, CascadeAttachment
from surveys.demo_strategy import Indicator, Pillar
from surveys.models import QuestionKind
from surveys.results import indicator_scorecard
from tests.content.conftest import PNG_BYTES
from tests.surveys.factories import close, everyone, make_survey, open_wave, people_in, respond

from .conftest import NOW

QUESTIONS = [
    {
        "kind": QuestionKind.KNOWLEDGE,
        "text": "Hvad siger Kernefortællingen om beliggenhed?",
        "indicator": Indicator.KERNEFORTAELLING,
        "pillar": Pillar.BELIGGENHED,
        "options": [{"text": "Midt i landet", "is_correct": True}, {"text": "Ved grænsen"}],
    },
]


def _start(client, o, **extra):
    return client.post(
        "/api/v1/cascades/",
        {
            "title": "Beliggenhed",
            "message": "Vi ligger midt i landet.",
            "root_unit": o.area.pk,
            "deadlines": [(NOW + timedelta(days=d)).isoformat() for d in (1, 2, 3)],
            **extra,
        },
        format="json",
    )


def test_the_pillar_knowledge_per_unit_before_and_after_the_cascade(tree, clock, client_for):
    o = tree
    # Given a knowledge wave closed before the cascade: 2 of Team Korsør's 6 know the pillar,
    # and only 2 in Køkkenet answered — too few to show, and so (the område's total minus
    # Hjemmeplejen Vest would give them away) Hjemmeplejen Vest and its team are not shown either
    survey = make_survey(audience=everyone(), questions=QUESTIONS)
    korsoer, koekken = people_in(o.team_a, 6), people_in(o.team_b, 5)
    before = open_wave(survey, number=1, opens_at=NOW - timedelta(days=2))
    respond(before, korsoer[:2])
    respond(before, korsoer[2:] + koekken[:2], correct=False)
    close(before)
    # When communications starts a cascade tagged with the pillar
    started = _start(client_for(o.comms), o, pillar=Pillar.BELIGGENHED)
    assert started.status_code == 201, started.content
    cid = started.json()["id"]
    assert started.json()["pillar"] == "beliggenhed"
    # And a week later a second wave closes: 5 of 6 in Team Korsør know it, 1 of 5 in Køkkenet
    clock.shift(timedelta(days=7))
    after = open_wave(survey, number=2)
    respond(after, korsoer[:5] + koekken[:1])
    respond(after, korsoer[5:] + koekken[1:], correct=False)
    close(after)
    # And a third wave is still open (its numbers are withheld)
    respond(open_wave(survey, number=3), korsoer)

    # Then communications reads the knowledge index per unit in the two closed waves
    body = client_for(o.comms).get(f"/api/v1/cascades/{cid}/knowledge/").json()
    assert [(w["id"], w["phase"]) for w in body["waves"]] == [
        (before.pk, "before"),
        (after.pk, "after"),
    ]
    rows = {row["unit_name"]: (row["values"], row["states"]) for row in body["units"]}
    assert rows["Team Korsør"] == ([None, round(5 / 6, 3)], ["suppressed", "shown"])
    assert rows["Køkkenet"] == ([None, 0.2], ["suppressed", "shown"])
    assert rows["Social og Sundhed"] == ([0.25, round(6 / 11, 3)], ["shown", "shown"])
    # And every cell is what surveys' own scorecard says for that unit, suppression included
    for task in Cascade.objects.get(pk=cid).tasks.select_related("unit"):
        card = indicator_scorecard(viewer=o.comms, unit_id=task.unit_id)
        points = next(
            i["waves"] for i in card["indicators"] if i["indicator"] == "kernefortaelling"
        )
        expected = [p["pillars"].get("beliggenhed") if p["shown"] else None for p in points]
        assert rows[task.unit.name][0] == expected, task.unit.name
    # And the leader of Hjemmeplejen Vest sees only their own subtree
    mine = client_for(o.leader).get(f"/api/v1/cascades/{cid}/knowledge/").json()
    assert [row["unit_name"] for row in mine["units"]] == ["Hjemmeplejen Vest", "Team Korsør"]
    # And the dashboard's cascade page shows communications the same cells
    web = Client()
    web.force_login(o.comms)
    page = web.get(f"/dashboard/kaskader/{cid}/")
    assert page.status_code == 200
    table = page.content.decode().split('id="knowledge-table"', 1)[1].split("</table>", 1)[0]
    shown = {
        int(unit): re.findall(r'data-state="(\w+)">([^<]*)', cells)
        for unit, cells in re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', table, re.S)
    }
    assert shown == {
        row["unit"]: [
            (state, f"{round(value * 100)} %" if state == "shown" else "")
            for value, state in zip(row["values"], row["states"], strict=True)
        ]
        for row in body["units"]
    }


def test_an_unknown_pillar_is_refused_and_none_means_no_block(tree, clock, client_for):
    o = tree
    comms = client_for(o.comms)
    refused = _start(comms, o, pillar="ukendt")
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["pillar"])
    assert Cascade.objects.count() == 0
    cid = _start(comms, o).json()["id"]
    assert comms.get(f"/api/v1/cascades/{cid}/knowledge/").status_code == 204


def test_files_go_with_the_message_and_are_checked_like_posts(tree, clock, client_for):
    o = tree
    cid = _start(client_for(o.comms), o).json()["id"]
    comms = client_for(o.comms)
    # When communications attaches an image, and then a file that is no PDF or image
    added = comms.post(
        f"/api/v1/cascades/{cid}/attachments/",
        {"file": SimpleUploadedFile("plan.png", PNG_BYTES, content_type="image/png")},
        format="multipart",
    )
    assert added.status_code == 201, added.content
    refused = comms.post(
        f"/api/v1/cascades/{cid}/attachments/",
        {
            "file": SimpleUploadedFile(
                "plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            )
        },
        format="multipart",
    )
    # Then the image is kept, the other refused by content's check, and nothing else stored
    assert (refused.status_code, refused.json()["code"]) == (400, "file_type_unsupported")
    assert CascadeAttachment.objects.count() == 1
    # And an employee the cascade reaches lists and downloads it; one it does not reach cannot
    employee = client_for(o.employee)
    listed = employee.get(f"/api/v1/cascades/{cid}/attachments/").json()
    assert [(f["original_name"], f["kind"]) for f in listed] == [("plan.png", "image")]
    got = employee.get(f"/api/v1/cascades/{cid}/attachments/{added.json()['id']}/")
    assert (got.status_code, b"".join(got.streaming_content)) == (200, PNG_BYTES)
    services.cascade_start(
        actor=o.comms,
        title="Køkkenet",
        message="Kun køkkenet.",
        root_unit=o.unit_b,
        deadlines=[NOW + timedelta(days=1)],
    )
    other = Cascade.objects.get(title="Køkkenet").pk
    assert employee.get(f"/api/v1/cascades/{other}/attachments/").status_code == 404
    # And an employee may not attach
    denied = employee.post(
        f"/api/v1/cascades/{cid}/attachments/",
        {"file": SimpleUploadedFile("plan.png", PNG_BYTES, content_type="image/png")},
        format="multipart",
    )
    assert denied.status_code == 403
    assert CascadeAttachment.objects.count() == 1
