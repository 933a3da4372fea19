"""Danish demo data: leaders who followed up on the latest closed wave, in every status.

Built through the services, idempotently: a follow-up that already has actions is left alone.
Of the follow-ups of the latest closed wave, two in three get two actions (one about a
question, one about an indicator, where the leader could see one) and share them; the rest
have not followed up yet, so the overview has something to chase.
"""

from datetime import timedelta

from django.utils import timezone

from . import selectors, services
from .models import ActionStatus, FollowUp

ACTIONS = [
    ("Fem minutters videndeling på hvert personalemøde.", "Lederen og teamlederne"),
    ("Nyt fra ledermøder i appen samme uge.", "Lederen"),
    ("Makkerordning på tværs af vagterne.", "Teamlederne"),
    ("Tavlemøde hver mandag med de vigtigste ændringer.", "Lederen"),
]
STATUSES = [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED]


def build_demo(*, stdout) -> None:
    stdout.write("Opfølgning (I sagde – vi gjorde):\n")
    latest = selectors.waves_with_followups().filter(status="closed").first()
    if latest is None:
        stdout.write("  ingen lukkede runder med opfølgning\n")
        return
    followups = list(
        FollowUp.objects.filter(wave=latest).select_related("wave__survey", "leader", "unit")
    )
    shared = 0
    for n, followup in enumerate(followups):
        if n % 3 == 2 or followup.actions.exists():
            continue
        visible = selectors.visible_result(
            leader=followup.leader, wave=followup.wave, unit_id=followup.unit_id
        )
        if visible is None or not visible.questions:
            continue
        topics = [{"question": visible.questions[0]["id"]}]
        if visible.indicators:
            topics.append({"indicator": visible.indicators[0]["key"]})
        for k, topic in enumerate(topics):
            what, who = ACTIONS[(n + k) % len(ACTIONS)]
            action = services.action_create(
                actor=followup.leader,
                followup=followup,
                what=what,
                who=who,
                due_on=timezone.localdate() + timedelta(days=30 * (k + 1)),
                **topic,
            )
            status = STATUSES[(n + k) % len(STATUSES)]
            if status != ActionStatus.PLANNED:
                services.action_update(actor=followup.leader, action=action, status=status)
        services.followup_publish(actor=followup.leader, followup=followup)
        shared += 1
    stdout.write(
        f"  {latest.survey.title} #{latest.number}: {shared} af {len(followups)} ledere har delt "
        "handlinger\n"
    )
