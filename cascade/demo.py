"""Danish demo data: two cascades, one completed and one under way with a broken branch.

Built through the services (start, pass on, tell, remind, questions, FAQ), then moved back in
time as a whole — every timestamp of the cascade by the same amount — so the dashboard has a
history to show: the services only accept deadlines in the future, and the demo has no clock
to travel with. Idempotent: a cascade is known by its title.

The last level records team meetings only, no must-read posts: the content demo's feed (its
must-read and what the app's browser tests read in it) stays as that demo built it.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from org.models import LeaderScope, OrgUnit, Role, User

from . import questions, services
from .models import Cascade, FaqItem, Level, Question, QuestionHop, Task

DONE_TITLE = "Kernefortællingen: Beliggenhed"
UNDER_WAY_TITLE = "Ny kørselsordning i Ældre og Sundhed"


def _comms() -> User:
    return User.objects.filter(roles__role=Role.COMMUNICATIONS, is_active=True).order_by("pk")[0]


def _leader_of(unit: OrgUnit) -> User:
    return LeaderScope.objects.filter(unit=unit).order_by("leader_id")[0].leader


def _shift_back(cascade: Cascade, delta: timedelta) -> None:
    """Move the cascade and everything it recorded `delta` into the past."""
    Cascade.objects.filter(pk=cascade.pk).update(started_at=F("started_at") - delta)
    Level.objects.filter(cascade=cascade).update(deadline=F("deadline") - delta)
    tasks = Task.objects.filter(cascade=cascade)
    for field in ("received_at", "passed_on_at", "reminded_at", "escalated_at"):
        tasks.filter(**{f"{field}__isnull": False}).update(**{field: F(field) - delta})
    tasks.filter(told_on__isnull=False).update(told_on=F("told_on") - delta)
    Question.objects.filter(cascade=cascade).update(asked_on=F("asked_on") - delta)
    QuestionHop.objects.filter(question__cascade=cascade).update(arrived_on=F("arrived_on") - delta)


def _done(*, comms: User, top: OrgUnit, stdout) -> None:
    """Three weeks ago: from the direktion to every afdeling, passed on and told everywhere."""
    now = timezone.now()
    cascade = services.cascade_start(
        actor=comms,
        title=DONE_TITLE,
        message=(
            "**Kort fortalt:** Slagelse ligger midt i Danmark, tæt på både København og Fyn. "
            "Det er en styrke for borgere, virksomheder og for os som arbejdsplads."
        ),
        talking_points="Spørg holdet: hvad betyder beliggenheden for vores borgere?",
        root_unit=top,
        deadlines=[now + timedelta(hours=h) for h in (2, 4, 8)],
        pillar="beliggenhed",
    )
    tasks = list(cascade.tasks.select_related("level", "unit").order_by("level__number", "pk"))
    last = max(t.level.number for t in tasks)
    for number, task in enumerate(tasks):
        task.refresh_from_db()
        doer = User.objects.get(pk=task.leader_id) if task.leader_id else None
        if doer is None:
            continue
        if task.level.number < last:
            services.task_pass_on(
                actor=doer, task=task, local_note="Vi tager det op på næste ledermøde."
            )
        else:
            services.task_tell(
                actor=doer,
                task=task,
                local_note="Vi taler om det på tavlemødet.",
                told_on=timezone.localdate(),
                attendance=6 + number % 9,
            )
    _shift_back(cascade, timedelta(days=21))
    stdout.write(f"  kaskade (gennemført): {cascade.title}, {len(tasks)} enheder\n")


def _under_way(*, comms: User, area: OrgUnit, stdout) -> None:
    """Three days ago, in one område: most afdelinger have told it; one leader has not."""
    now = timezone.now()
    cascade = services.cascade_start(
        actor=comms,
        title=UNDER_WAY_TITLE,
        message=(
            "**Kort fortalt:** Fra 1. februar kører vi i fælles bilpulje. Bilerne bookes i "
            "appen, og nøglerne hentes i nøgleskabet ved hovedindgangen."
        ),
        talking_points="Vis, hvordan man booker en bil i appen.",
        root_unit=area,
        deadlines=[now + timedelta(hours=4), now + timedelta(hours=12)],
    )
    root_task = cascade.tasks.get(unit=area)
    services.task_pass_on(
        actor=_leader_of(area), task=root_task, local_note="Gælder alle afdelinger i området."
    )
    children = list(root_task.children.select_related("unit", "level").order_by("unit__path"))
    silent = children[0]  # the broken branch: this leader does nothing
    for number, task in enumerate(children[1:], start=1):
        services.task_tell(
            actor=_leader_of(task.unit),
            task=task,
            told_on=timezone.localdate(),
            attendance=5 + number,
        )

    # The way up: an anonymous question travels to communications and comes back as FAQ; a
    # named one is answered by the asker's own leader.
    asking_unit = children[1].unit
    employees = User.objects.filter(unit=asking_unit, is_active=True).exclude(
        pk__in=LeaderScope.objects.values("leader_id")
    )
    anonymous_asker, named_asker = employees.order_by("pk")[:2]
    anonymous = questions.question_ask(
        actor=anonymous_asker,
        cascade=cascade,
        text="Hvad gør vi, når alle biler er booket, og en borger venter?",
        anonymous=True,
    )
    questions.question_forward(
        actor=_leader_of(asking_unit),
        question=anonymous,
        comment="Flere på holdet spørger om det samme.",
    )
    anonymous.refresh_from_db()
    questions.question_forward(
        actor=_leader_of(area), question=anonymous, comment="Bør besvares for hele området."
    )
    anonymous.refresh_from_db()
    questions.question_group(actor=comms, question=anonymous, topic="Booking")
    answer = "Ring til kørselskontoret på 5857 0000; de finder en bil inden for en halv time."
    questions.question_answer(
        actor=comms, question=anonymous, answer=answer, visibility=Question.Visibility.UNIT
    )
    questions.faq_publish(
        actor=comms,
        cascade=cascade,
        question=anonymous,
        question_text="Hvad gør vi, når alle biler er booket?",
        answer=answer,
    )
    named = questions.question_ask(
        actor=named_asker,
        cascade=cascade,
        text="Må jeg stadig bruge min egen bil og få kørselsgodtgørelse?",
        anonymous=False,
    )
    questions.question_answer(
        actor=_leader_of(asking_unit),
        question=named,
        answer="Ja, hvis der ikke er en ledig bil. Skriv det i kørselslisten.",
        visibility=Question.Visibility.ASKER,
    )
    _shift_back(cascade, timedelta(days=3))
    # Now past its deadline by more than a day: the silent leader is reminded, then their chief.
    services.reminders_send()
    services.reminders_send()
    stdout.write(
        f"  kaskade (i gang): {cascade.title}, {silent.unit.name} mangler; "
        f"{FaqItem.objects.filter(cascade=cascade).count()} spørgsmål og svar\n"
    )


def build_demo(*, stdout) -> None:
    comms = _comms()
    top = OrgUnit.objects.get(kind=OrgUnit.Kind.DIREKTION, parent=None)
    if not Cascade.objects.filter(title=DONE_TITLE).exists():
        _done(comms=comms, top=top, stdout=stdout)
    area = OrgUnit.objects.get(name="Ældre og Sundhed", parent=top)
    if not Cascade.objects.filter(title=UNDER_WAY_TITLE).exists():
        _under_way(comms=comms, area=area, stdout=stdout)
