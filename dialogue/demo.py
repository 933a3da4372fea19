"""Demo dialogue: comments and reactions on the latest news, one reported comment, a pre-boarder's
question to HR answered and published as a staff info page, and an open question to a leader.

Everything through dialogue's services, so the demo exercises them; assumes org.demo and
content.demo have run. Run twice, it adds nothing the second time.
"""

from django.db.models import Q
from django.utils import timezone

from content.models import Post, PostKind, PostStatus
from org.models import LeaderScope, OrgUnit, Role, User

from . import services
from .models import Comment, Question, QuestionRecipient

HOME_CARE = "Hjemmeplejen Nord"
PREBOARDER = "SK09999"  # org.demo's new hire, Sara Nyborg

COMMENTS = [
    # (news index, commenter index, text, reply from the unit's leader)
    (0, 0, "Dejligt! Bliver der også tid til at prøve det af på et personalemøde?",
     "Ja, vi tager det på mødet i næste uge."),
    (0, 1, "Godt initiativ. Jeg har lagt en vejledning her: https://www.slagelse.dk/", None),
    (0, 2, "Tak for info 👍", None),
    (1, 3, "Hvornår gælder det fra?", "Fra den 1. i næste måned."),
    (1, 4, "Fint, det har vi ventet på.", None),
]  # fmt: skip
REACTIONS = ["thumbs_up", "heart", "clap", "thumbs_up", "smile", "thumbs_up", "heart"]
RUDE = "Det her er jo helt tåbeligt, og dem der har fundet på det aner intet om vores arbejde!"


def _staff(unit: OrgUnit) -> list[User]:
    """Started people of the unit without a staff role: the ones who comment and ask."""
    today = timezone.localdate()
    return list(
        User.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .exclude(roles__role__in=[Role.HR, Role.COMMUNICATIONS, Role.ADMIN, Role.LEADER])
        .order_by("pk")[:10]
    )


def _leader_of(unit: OrgUnit) -> User | None:
    scope = LeaderScope.objects.filter(unit=unit).select_related("leader").order_by("pk").first()
    return scope.leader if scope else None


def _first_with_role(role: str) -> User | None:
    return User.objects.filter(is_active=True, roles__role=role).order_by("pk").first()


def build_demo(*, stdout) -> None:
    """Build the demo dialogue; assumes the demo organisation and content exist."""
    if Comment.objects.exists() or Question.objects.exists():
        stdout.write("  dialogue: findes allerede – springer over.")
        return
    unit = OrgUnit.objects.filter(name=HOME_CARE).first()
    hr = _first_with_role(Role.HR)
    news = list(
        Post.objects.filter(kind=PostKind.NEWS, status=PostStatus.PUBLISHED).order_by(
            "-published_at", "-pk"
        )[:3]
    )
    if unit is None or hr is None or len(news) < 3:
        stdout.write("  dialogue: demoorganisationen eller nyhederne mangler – springer over.")
        return
    staff, leader = _staff(unit), _leader_of(unit)
    if len(staff) < 8 or leader is None:
        stdout.write("  dialogue: for få medarbejdere i Hjemmeplejen Nord – springer over.")
        return

    for post_index, person, text, reply in COMMENTS:
        comment = services.comment_create(author=staff[person], post=news[post_index], text=text)
        if reply:
            services.comment_create(
                author=leader, post=news[post_index], text=reply, parent=comment
            )
    for post in news:
        for person, kind in zip(staff, REACTIONS, strict=False):
            services.reaction_set(user=person, post=post, kind=kind)

    rude = services.comment_create(author=staff[5], post=news[1], text=RUDE)
    for reporter, reason in ((staff[6], "Nedladende over for kolleger"), (staff[7], "")):
        services.comment_report(reporter=reporter, comment=rude, reason=reason)

    hire = User.objects.filter(employee_number=PREBOARDER).first()
    if hire is not None:
        question = services.question_ask(
            asker=hire,
            recipient=QuestionRecipient.HR,
            text=(
                "Hej HR. Jeg starter om to uger. Hvad skal jeg have på den første dag, og "
                "hvornår får jeg min første løn?"
            ),
        )
        services.question_answer(
            actor=hr,
            question=question,
            text=(
                "Velkommen! Mød i almindeligt tøj: du får arbejdstøj og sko udleveret den første "
                "dag. Løn udbetales den sidste hverdag i måneden; starter du efter den 15., "
                "kommer den første løn måneden efter."
            ),
        )
        services.question_publish(
            actor=hr,
            question=question,
            title="Første dag: arbejdstøj og første løn",
            question_text="Hvad skal jeg have på den første dag, og hvornår får jeg løn?",
            answer_text=(
                "Mød i almindeligt tøj: du får arbejdstøj og sko udleveret den første dag. Løn "
                "udbetales den sidste hverdag i måneden; starter du efter den 15., kommer den "
                "første løn måneden efter."
            ),
        )
    services.question_ask(
        asker=staff[0],
        recipient=QuestionRecipient.LEADER,
        text="Kan jeg bytte min vagt juleaften med en kollega, hvis vi selv aftaler det?",
    )
    stdout.write(
        f"  dialogue: {Comment.objects.count()} kommentarer (1 anmeldt), "
        f"{Question.objects.count()} spørgsmål (1 besvaret og udgivet som personaleinfo)."
    )
