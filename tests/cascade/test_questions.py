"""Issue 15, the way up ("og omvendt"): questions travel up, answers and the FAQ come down."""

import re
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model

from cascade import questions, services
from cascade.models import FaqItem, Question, QuestionHop
from push.models import Notification, Recipient
from tests.factories import UserFactory

from .conftest import NOW

ASKER_NAME = "Sigrid Spørgelund"
ASKER_EMAIL = "sigrid.spoergelund@example.dk"
ASKER_PHONE = "+4531415926"
ASKER_NUMBER = "E-ASK-4242"


def _cascade_from_area(o):
    """Communications starts a cascade from the område: område → afdeling → team."""
    return services.cascade_start(
        actor=o.comms,
        title="Ny vagtplan",
        message="Fra 1. maj bruger alle den nye vagtplan.",
        root_unit=o.area,
        deadlines=[NOW + timedelta(days=d) for d in (1, 2, 3)],
    )


def _snapshot() -> dict[tuple[str, object], dict[str, str]]:
    """Every row of every table, every field as text."""
    rows = {}
    for model in apps.get_models():
        for values in model._base_manager.values():
            rows[(model._meta.label, values["id"] if "id" in values else str(values))] = {
                name: str(value) for name, value in values.items()
            }
    return rows


def _user_fk_columns() -> dict[str, set[str]]:
    user_model = get_user_model()
    return {
        model._meta.label: {
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is user_model
        }
        for model in apps.get_models()
    }


def _links_to(person, before, after, *, ignore=lambda label, row: False) -> list[str]:
    """Rows the flow created or changed that lead back to `person`: a reference to them, their
    id anywhere as a number, their name, e-mail, phone or employee number."""
    user_fks = _user_fk_columns()
    changed = {
        key: row for key, row in after.items() if before.get(key) != row and not ignore(key[0], row)
    }
    # Ids of the rows the flow touched: a number equal to one of them is that row, not the
    # person, so it cannot count as the person's id.
    other_ids = {str(key[1]) for key in changed if key[0] != get_user_model()._meta.label}
    words = [person.name, person.email, person.phone, person.employee_number]
    found = []
    for (label, pk), row in changed.items():
        for column, text in row.items():
            if column in user_fks[label] and text == str(person.pk):
                found.append(f"{label}#{pk}.{column} references the person")
            elif any(word and word.lower() in text.lower() for word in words):
                found.append(f"{label}#{pk}.{column} holds the person's name or address")
            elif (
                column != "id"
                and str(person.pk) not in other_ids
                and str(person.pk) in re.findall(r"\d+", text)
            ):
                found.append(f"{label}#{pk}.{column} holds the person's id")
    return found


def _session_noise(label: str, row: dict[str, str]) -> bool:
    """Logging in and being seen: sessions and the person's own row, not the question flow."""
    return label in {"sessions.Session", "usersessions.UserSession"}


def test_an_anonymous_question_travels_up_comes_down_as_faq_and_leaves_no_trace(
    tree, clock, client_for
):
    o = tree
    asker = UserFactory(
        name=ASKER_NAME,
        email=ASKER_EMAIL,
        phone=ASKER_PHONE,
        employee_number=ASKER_NUMBER,
        unit=o.team_a,
    )
    cascade = _cascade_from_area(o)
    clients = {p.pk: client_for(p) for p in (asker, o.team_leader_a, o.leader, o.chief, o.comms)}
    before = _snapshot()
    me = get_user_model().objects.get(pk=asker.pk)

    # When the employee sends an anonymous question up the cascade
    asked = clients[asker.pk].post(
        f"/api/v1/cascades/{cascade.pk}/questions/",
        {"text": "Hvad sker der med weekendvagterne?", "anonymous": True},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    question_id = asked.json()["id"]
    # Then it lands with the team's own leader, and the asker cannot read it back
    assert (asked.json()["anonymous"], asked.json()["asked_by_me"]) == (True, False)
    assert clients[asker.pk].get(f"/api/v1/cascades/questions/{question_id}/").status_code == 404
    held = clients[o.team_leader_a.pk].get(f"/api/v1/cascades/questions/{question_id}/").json()
    assert (held["holder_unit_name"], held["origin_unit_name"]) == ("Team Korsør", "Team Korsør")
    # And the afdeling's leader does not see it while it is below them
    assert clients[o.leader.pk].get(f"/api/v1/cascades/questions/{question_id}/").status_code == 404

    # When the team leader and then the afdeling's leader send it up, each with a comment
    for holder, comment in ((o.team_leader_a, "Flere spørger om det."), (o.leader, "Også her.")):
        sent = clients[holder.pk].post(
            f"/api/v1/cascades/questions/{question_id}/forward/",
            {"comment": comment},
            format="json",
        )
        assert sent.status_code == 200, sent.content
    # Then it is with the område's chief, two levels up, with both comments on its path
    at_chief = clients[o.chief.pk].get(f"/api/v1/cascades/questions/{question_id}/").json()
    assert at_chief["holder_unit_name"] == "Social og Sundhed"
    assert [(h["unit_name"], h["comment"]) for h in at_chief["hops"]] == [
        ("Team Korsør", ""),
        ("Hjemmeplejen Vest", "Flere spørger om det."),
        ("Social og Sundhed", "Også her."),
    ]
    # When the chief sends it on past the top, communications files it and answers it
    clients[o.chief.pk].post(
        f"/api/v1/cascades/questions/{question_id}/forward/", {}, format="json"
    )
    comms = clients[o.comms.pk]
    listed = comms.get(f"/api/v1/cascades/questions/?cascade={cascade.pk}").json()["results"]
    assert [(q["id"], q["at_top"]) for q in listed] == [(question_id, True)]
    topic = comms.post(
        f"/api/v1/cascades/questions/{question_id}/topic/", {"topic": "Vagter"}, format="json"
    )
    assert topic.json()["topic"] == "Vagter"
    answered = comms.post(
        f"/api/v1/cascades/questions/{question_id}/answer/",
        {"answer": "Weekendvagterne fordeles som i dag.", "visibility": "unit"},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    # And publishes it down the same cascade as a FAQ item
    published = comms.post(
        f"/api/v1/cascades/{cascade.pk}/faq/",
        {
            "question": question_id,
            "question_text": "Hvad sker der med weekendvagterne?",
            "answer": "Weekendvagterne fordeles som i dag.",
        },
        format="json",
    )
    assert published.status_code == 201, published.content

    # Then every level receives it: the FAQ is on the cascade for the asker and every leader
    for client in clients.values():
        faq = client.get(f"/api/v1/cascades/{cascade.pk}/faq/").json()
        assert [item["answer"] for item in faq] == ["Weekendvagterne fordeles som i dag."]
    faq_note = Notification.objects.get(dedup_key=f"cascade-faq-{published.json()['id']}")
    reached = set(Recipient.objects.filter(notification=faq_note).values_list("user", flat=True))
    everyone = {o.chief.pk, o.leader.pk, o.other_leader.pk, o.team_leader_a.pk}
    everyone |= {o.team_leader_b.pk, o.employee.pk, o.other_employee.pk, asker.pk}
    assert reached == everyone

    # And nothing the flow wrote leads back to the asker. The FAQ announcement reaches every
    # person of the cascade alike (asserted just above), so its inbox rows single no one out.
    def broadcast(label, row):
        return _session_noise(label, row) or (
            label == "push.Recipient" and row["notification_id"] == str(faq_note.pk)
        )

    after = _snapshot()
    assert _links_to(me, before, after, ignore=broadcast) == []
    # And the flow did write: the question, its four stops, the FAQ item
    assert (Question.objects.count(), QuestionHop.objects.count(), FaqItem.objects.count()) == (
        1,
        4,
        1,
    )


def test_the_trace_check_finds_a_named_asker(tree, clock, client_for):
    # Given the same check over a named question (which is meant to name its asker)
    o = tree
    asker = UserFactory(name=ASKER_NAME, email=ASKER_EMAIL, unit=o.team_a)
    cascade = _cascade_from_area(o)
    before = _snapshot()
    client_for(asker).post(
        f"/api/v1/cascades/{cascade.pk}/questions/",
        {"text": "Hvad sker der med weekendvagterne?", "anonymous": False},
        format="json",
    )
    # Then it reports the reference: the check would fail if an anonymous question had one
    found = _links_to(asker, before, _snapshot(), ignore=_session_noise)
    assert found == [f"cascade.Question#{Question.objects.get().pk}.asker_id references the person"]


def test_a_named_question_is_answered_locally_and_the_asker_is_told(tree, clock, client_for):
    o = tree
    cascade = _cascade_from_area(o)
    # Given a named question from team A's employee, with their team leader
    asked = client_for(o.employee).post(
        f"/api/v1/cascades/{cascade.pk}/questions/",
        {"text": "Skal vi selv bytte vagter?", "anonymous": False, "kind": "question"},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    qid = asked.json()["id"]
    assert asked.json()["asked_by_me"] is True
    # When another unit's people and leaders ask for it, or act on it
    for person in (o.other_employee, o.other_leader, o.team_leader_b):
        client = client_for(person)
        assert client.get(f"/api/v1/cascades/questions/{qid}/").status_code == 404
        refused = client.post(
            f"/api/v1/cascades/questions/{qid}/answer/", {"answer": "Nej."}, format="json"
        )
        assert refused.status_code == 404
    # Then it is not theirs; and the asker may not answer it either
    own = client_for(o.employee).post(
        f"/api/v1/cascades/questions/{qid}/answer/", {"answer": "Ja."}, format="json"
    )
    assert (own.status_code, own.json()["code"]) == (403, "question_not_yours")
    assert Question.objects.get(pk=qid).answered_at is None
    # When the team leader answers it locally
    answered = client_for(o.team_leader_a).post(
        f"/api/v1/cascades/questions/{qid}/answer/",
        {"answer": "Ja, via appen.", "visibility": "asker"},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    # Then the asker is told once and reads the answer; a colleague of the unit does not
    assert (
        Recipient.objects.filter(
            user=o.employee, notification__dedup_key=f"cascade-question-{qid}-answered"
        ).count()
        == 1
    )
    mine = client_for(o.employee).get("/api/v1/cascades/questions/").json()["results"]
    assert [(q["id"], q["answer"], q["hops"]) for q in mine] == [(qid, "Ja, via appen.", [])]
    colleague = UserFactory(unit=o.team_a)
    assert client_for(colleague).get("/api/v1/cascades/questions/").json()["count"] == 0
    # And a second answer is a conflict
    again = client_for(o.team_leader_a).post(
        f"/api/v1/cascades/questions/{qid}/answer/", {"answer": "Igen."}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "question_answered")


def test_an_anonymous_answer_goes_to_the_unit_not_to_a_person(tree, clock, client_for):
    o = tree
    cascade = _cascade_from_area(o)
    question = questions.question_ask(
        actor=o.employee, cascade=cascade, text="Hvem bestemmer?", anonymous=True
    )
    leader = client_for(o.team_leader_a)
    # When the leader tries to answer only the (unknown) asker
    refused = leader.post(
        f"/api/v1/cascades/questions/{question.pk}/answer/",
        {"answer": "Det gør jeg.", "visibility": "asker"},
        format="json",
    )
    # Then 400 and nothing is answered
    assert (refused.status_code, refused.json()["code"]) == (400, "anonymous_answer_to_unit")
    assert Question.objects.get(pk=question.pk).answered_at is None
    # When it is answered to the unit, everyone in team A reads it, team B does not
    leader.post(
        f"/api/v1/cascades/questions/{question.pk}/answer/",
        {"answer": "Det gør jeg.", "visibility": "unit"},
        format="json",
    )
    colleague = UserFactory(unit=o.team_a)
    shared = client_for(colleague).get("/api/v1/cascades/questions/").json()["results"]
    assert [(q["id"], q["asked_by_me"]) for q in shared] == [(question.pk, False)]
    assert client_for(o.other_employee).get("/api/v1/cascades/questions/").json()["count"] == 0


def test_questions_are_rate_limited_per_person_without_storing_who(tree, clock, client_for):
    o = tree
    cascade = _cascade_from_area(o)
    client = client_for(o.employee)
    ask = {"text": "Endnu et spørgsmål", "anonymous": True}
    # Given five questions today, named and anonymous alike
    for n in range(questions.QUESTIONS_PER_DAY):
        ask["anonymous"] = n % 2 == 0
        assert (
            client.post(f"/api/v1/cascades/{cascade.pk}/questions/", ask, format="json").status_code
            == 201
        )
    # When a sixth is sent
    refused = client.post(f"/api/v1/cascades/{cascade.pk}/questions/", ask, format="json")
    # Then it is refused and nothing is written; another person may still ask
    assert (refused.status_code, refused.json()["code"]) == (400, "question_rate_limited")
    assert Question.objects.count() == questions.QUESTIONS_PER_DAY
    other = client_for(UserFactory(unit=o.team_a))
    assert (
        other.post(f"/api/v1/cascades/{cascade.pk}/questions/", ask, format="json").status_code
        == 201
    )
    # And the next day the person may ask again
    clock.shift(timedelta(days=1))
    assert (
        client.post(f"/api/v1/cascades/{cascade.pk}/questions/", ask, format="json").status_code
        == 201
    )


def test_someone_outside_the_cascade_cannot_ask_or_read_its_faq(tree, clock, client_for):
    o = tree
    cascade = services.cascade_start(
        actor=o.comms,
        title="Køkkenet",
        message="Nyt om køkkenet.",
        root_unit=o.unit_b,
        deadlines=[NOW + timedelta(days=1), NOW + timedelta(days=2)],
    )
    outsider = client_for(o.employee)  # team A: not under Madservice
    asked = outsider.post(
        f"/api/v1/cascades/{cascade.pk}/questions/",
        {"text": "Hej", "anonymous": False},
        format="json",
    )
    assert asked.status_code == 404
    assert outsider.get(f"/api/v1/cascades/{cascade.pk}/faq/").status_code == 404
    assert Question.objects.count() == 0
    # And an employee may not publish a FAQ, even on their own cascade
    refused = client_for(o.other_employee).post(
        f"/api/v1/cascades/{cascade.pk}/faq/",
        {"question_text": "Hvad?", "answer": "Det."},
        format="json",
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "faq_not_allowed")
    assert FaqItem.objects.count() == 0


def test_a_question_from_a_leaderless_team_goes_to_the_leader_above(org, clock, client_for):
    # Given the plain organisation: team A has no leader of its own, afdeling A has one
    cascade = _cascade_from_area(org)
    question = questions.question_ask(
        actor=org.employee, cascade=cascade, text="Hvem spørger jeg?", anonymous=False
    )
    # Then it lands with afdeling A's leader, and at the top once they send it on
    assert question.holder.unit == org.unit_a
    questions.question_forward(actor=org.leader, question=question, comment="")
    question.refresh_from_db()
    assert (question.at_top, question.holder) == (True, None)


def test_named_questions_are_exported_and_made_anonymous_on_erasure(tree, clock, client_for):
    from org import erasure
    from org import selectors as org_selectors

    o = tree
    cascade = _cascade_from_area(o)
    named = questions.question_ask(
        actor=o.employee, cascade=cascade, text="Hvornår starter vi?", anonymous=False
    )
    questions.question_ask(actor=o.employee, cascade=cascade, text="Anonymt", anonymous=True)
    questions.question_answer(actor=o.team_leader_a, question=named, answer="I maj.")
    # Given the export lists the named question only (the anonymous one leads to no one)
    exported = org_selectors.personal_data_export(user=o.employee)["categories"]
    assert [(r["text"], r["answer"]) for r in exported["cascade_questions"]] == [
        ("Hvornår starter vi?", "I maj.")
    ]
    # When the asker and the answering leader are erased
    erasure.user_erase(actor=o.hr, user=o.employee)
    erasure.user_erase(actor=o.hr, user=o.team_leader_a)
    # Then the question stays, answered, with no person on it
    named.refresh_from_db()
    assert (named.asker_id, named.anonymous, named.answered_by_id, named.answer) == (
        None,
        True,
        None,
        "I maj.",
    )


def test_the_question_list_costs_the_same_whatever_its_length(tree, clock, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    o = tree
    cascade = _cascade_from_area(o)
    client = client_for(o.team_leader_a)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/cascades/questions/")
        return len(queries), response.json()["count"]

    # Given one question with team A's leader, then twelve (from twelve people)
    questions.question_ask(actor=o.employee, cascade=cascade, text="Et", anonymous=False)
    one = count()
    for n in range(11):
        asker = UserFactory(unit=o.team_a)
        questions.question_ask(actor=asker, cascade=cascade, text=f"Nr. {n}", anonymous=n % 2 == 0)
    twelve = count()
    # Then the same queries: session, person, roles, count, page, hops
    assert (one, twelve) == ((6, 1), (6, 12))
