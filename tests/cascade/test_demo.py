"""The cascade demo builds on the organisation demo, through the services, and is idempotent."""

import io

from cascade import demo, selectors
from cascade.models import Cascade, FaqItem, Question
from org import demo as org_demo
from org.models import Role, User


def _counts():
    return (Cascade.objects.count(), Question.objects.count(), FaqItem.objects.count())


def test_the_demo_has_a_completed_cascade_and_one_with_a_broken_branch_once(db):
    org_demo.build_demo(stdout=io.StringIO())
    # When the demo is built twice
    demo.build_demo(stdout=io.StringIO())
    first = _counts()
    demo.build_demo(stdout=io.StringIO())
    # Then it is there once: two cascades, two questions, one FAQ item
    assert _counts() == first == (2, 2, 1)
    comms = User.objects.filter(roles__role=Role.COMMUNICATIONS).first()
    done = Cascade.objects.get(title=demo.DONE_TITLE)
    under_way = Cascade.objects.get(title=demo.UNDER_WAY_TITLE)
    # And the completed one is passed on at every level, told at every unit of the last
    levels = selectors.progress(viewer=comms, cascade=done)
    assert all(lv.passed_on == lv.units and lv.overdue == 0 for lv in levels)
    assert levels[-1].told == levels[-1].units
    assert done.pillar == "beliggenhed"
    # And the one under way has exactly one overdue unit, reminded and escalated
    levels = selectors.progress(viewer=comms, cascade=under_way)
    assert [lv.overdue for lv in levels] == [0, 1]
    [silent] = [t for t in levels[1].tasks if t.overdue]
    assert (silent.reminded_at is not None, silent.escalated_at is not None) == (True, True)
    # And one anonymous question reached the top and was published; a named one answered
    rows = Question.objects.values_list("anonymous", "asker_id", "at_top")
    assert sorted((a, asker is None, top) for a, asker, top in rows) == [
        (False, False, False),
        (True, True, True),
    ]
    assert Question.objects.filter(answered_at__isnull=False).count() == 2
