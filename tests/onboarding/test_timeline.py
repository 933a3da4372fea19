"""Steps are dated from the start date at Danish wall-clock time, across a DST change; moving
the start date moves only the steps still open."""

from datetime import UTC, date, datetime, time

from onboarding import services
from onboarding.models import JourneyStep, StepStatus

from .conftest import NEXT_MONDAY
from .factories import TrackFactory, step


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _timeline_track():
    return TrackFactory(
        name="Tidslinje",
        steps=[
            step("Velkomstbrev fra direktøren", -14),
            step("Dagen før: praktisk info", -1, time_of_day=time(16, 30)),
            step("Første dag: mød din leder", 0, time_of_day=time(8, 0)),
            step("Mød din makker", 1),
            step("Tavshedspligt", 7),
            step("Opfølgningssamtale", 30, time_of_day=time(13, 15)),
        ],
    )


def _due_dates(journey) -> list[tuple[str, datetime]]:
    return list(
        JourneyStep.objects.filter(journey=journey)
        .order_by("due_at")
        .values_list("title", "due_at")
    )


def test_steps_are_dated_from_next_monday_at_danish_time_across_dst(org, hire, clock):
    # Given a track with steps at -14, -1, 0, 1, 7 and 30 days, and a hire starting next Monday
    # (19 October 2026; summer time ends on the 25th)
    track = _timeline_track()

    # When HR assigns it
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)

    # Then the due times are those days at the given Danish time: UTC+2 before the change,
    # UTC+1 after it
    assert journey.anchor_date == NEXT_MONDAY
    assert _due_dates(journey) == [
        ("Velkomstbrev fra direktøren", _utc(2026, 10, 5, 7, 0)),
        ("Dagen før: praktisk info", _utc(2026, 10, 18, 14, 30)),
        ("Første dag: mød din leder", _utc(2026, 10, 19, 6, 0)),
        ("Mød din makker", _utc(2026, 10, 20, 7, 0)),
        ("Tavshedspligt", _utc(2026, 10, 26, 8, 0)),
        ("Opfølgningssamtale", _utc(2026, 11, 18, 12, 15)),
    ]


def test_moving_the_start_date_moves_only_open_steps(org, hire, clock):
    # Given a journey where the first two steps are done and one is skipped
    journey = services.journey_assign(actor=org.hr, user=hire, track=_timeline_track())
    steps = {s.title: s for s in JourneyStep.objects.filter(journey=journey)}
    services.journey_step_complete(actor=hire, step=steps["Velkomstbrev fra direktøren"])
    services.journey_step_complete(actor=hire, step=steps["Dagen før: praktisk info"])
    services.journey_step_skip(actor=org.hr, step=steps["Opfølgningssamtale"])

    # When the start date moves one week later, to Monday 26 October (after the DST change)
    services.journey_update(actor=org.hr, journey=journey, start_date=date(2026, 10, 26))

    # Then open steps move a calendar week at the same Danish time; done and skipped stay put
    assert _due_dates(journey) == [
        ("Velkomstbrev fra direktøren", _utc(2026, 10, 5, 7, 0)),
        ("Dagen før: praktisk info", _utc(2026, 10, 18, 14, 30)),
        ("Første dag: mød din leder", _utc(2026, 10, 26, 7, 0)),
        ("Mød din makker", _utc(2026, 10, 27, 8, 0)),
        ("Tavshedspligt", _utc(2026, 11, 2, 8, 0)),
        ("Opfølgningssamtale", _utc(2026, 11, 18, 12, 15)),
    ]
    journey.refresh_from_db()
    assert journey.anchor_date == date(2026, 10, 26)
    assert dict(JourneyStep.objects.filter(journey=journey).values_list("title", "status")) == {
        "Velkomstbrev fra direktøren": StepStatus.DONE,
        "Dagen før: praktisk info": StepStatus.DONE,
        "Første dag: mød din leder": StepStatus.OPEN,
        "Mød din makker": StepStatus.OPEN,
        "Tavshedspligt": StepStatus.OPEN,
        "Opfølgningssamtale": StepStatus.SKIPPED,
    }


def test_a_step_at_a_time_that_does_not_exist_on_the_spring_dst_day_lands_after_the_gap(
    org, hire, clock
):
    # Given a step at 02:30 on Sunday 28 March 2027, when clocks jump from 02:00 to 03:00
    track = TrackFactory(name="Forår", steps=[step("Nat", 0, time_of_day=time(2, 30))])

    # When assigned with that start date
    journey = services.journey_assign(
        actor=org.hr, user=hire, track=track, start_date=date(2027, 3, 28)
    )

    # Then it is due at 03:30 summer time (01:30 UTC), not an hour early
    assert _due_dates(journey) == [("Nat", _utc(2027, 3, 28, 1, 30))]


def test_editing_the_track_does_not_rewrite_a_running_journey(org, hire, clock):
    # Given a running journey on version 1 of a track
    track = _timeline_track()
    journey = services.journey_assign(actor=org.hr, user=hire, track=track)
    before = _due_dates(journey)

    # When HR renames a step, moves it and removes another
    template = list(track.steps.order_by("position"))
    services.track_steps_set(
        actor=org.hr,
        track=track,
        steps=[
            {"id": template[0].pk, **step("Nyt navn", -10)},
            {"id": template[2].pk, **step("Første dag", 0)},
        ],
    )

    # Then the track has a new version and the journey keeps its copy
    track.refresh_from_db()
    journey.refresh_from_db()
    assert track.version == 2
    assert journey.track_version == 1
    assert _due_dates(journey) == before
    assert list(track.steps.order_by("position").values_list("title", flat=True)) == [
        "Nyt navn",
        "Første dag",
    ]
