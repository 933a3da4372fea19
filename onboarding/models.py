"""Onboarding: tracks HR builds once per kind of job, and journeys that copy them for one person.

A `Track` is a template of ordered `Step`s. Assigning it makes a `Journey` whose `JourneyStep`s
are copies (title, body, kind, doer, offset, quiz), dated from the person's start date (or end
date, for offboarding). Editing a track bumps its `version` and never touches a journey already
running: the journey keeps the copy and the version it was made from.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A step more than a year before or after the start date is a typing error, not a plan.
MAX_OFFSET_DAYS = 365
DEFAULT_TIME_OF_DAY = time(9, 0)
DEFAULT_PASS_MARK = 80


class TrackKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding (fra startdato)")
    OFFBOARDING = "offboarding", _("Offboarding (fra slutdato)")


class StepKind(models.TextChoices):
    READ = "read", _("Læs")
    TASK = "task", _("Opgave")
    QUIZ = "quiz", _("Quiz")
    ACKNOWLEDGE = "acknowledge", _("Bekræft")
    MEETING = "meeting", _("Møde")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")


class Doer(models.TextChoices):
    NEW_HIRE = "new_hire", _("Den nyansatte")
    LEADER = "leader", _("Lederen")
    BUDDY = "buddy", _("Makkeren")
    HR = "hr", _("HR")


class MeetWith(models.TextChoices):
    LEADER = "leader", _("Lederen")
    BUDDY = "buddy", _("Makkeren")
    PERSON = "person", _("En navngiven person")


# Kinds that point somewhere outside the step.
URL_KINDS = (StepKind.VIDEO, StepKind.LINK)


class Track(models.Model):
    """A template HR builds once per kind of job: ordered steps relative to a start date."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=TrackKind.choices, default=TrackKind.ONBOARDING
    )
    audience = models.ForeignKey(
        "org.Audience",
        verbose_name=_("målgruppe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Hvem forløbet er til: bruges til at foreslå og automatisk tildele det."),
    )
    auto_assign = models.BooleanField(
        _("tildel automatisk"),
        default=False,
        help_text=_("Tildel forløbet, når en person i målgruppen inviteres."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Bumped by every edit through onboarding.services; a journey records the one it copied.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_assign=False) | Q(audience__isnull=False),
                name="track_auto_assign_needs_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StepFields(models.Model):
    """What a template step and its copy in a journey have in common."""

    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    body_html = models.TextField(_("tekst (HTML)"), editable=False, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=StepKind.choices)
    doer = models.CharField(
        _("udføres af"), max_length=20, choices=Doer.choices, default=Doer.NEW_HIRE
    )
    offset_days = models.SmallIntegerField(
        _("dag"), help_text=_("Dage fra startdatoen; negativ er før første dag (fx -14).")
    )
    time_of_day = models.TimeField(
        _("klokkeslæt"), default=DEFAULT_TIME_OF_DAY, help_text=_("Dansk tid.")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    meet_with = models.CharField(
        _("mød"), max_length=20, choices=MeetWith.choices, blank=True, default=""
    )
    meet_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person at mødes med"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The post or info page a `read` step links to. Posts are archived, not deleted: PROTECT
    # keeps a journey from pointing at nothing.
    post = models.ForeignKey(
        "content.Post",
        verbose_name=_("opslag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("beståelsesgrænse (%)"), default=DEFAULT_PASS_MARK
    )

    class Meta:
        abstract = True

    @staticmethod
    def shape_constraints(prefix: str) -> list[models.CheckConstraint]:
        """The rules every step obeys, as database checks."""
        return [
            models.CheckConstraint(
                condition=Q(offset_days__gte=-MAX_OFFSET_DAYS, offset_days__lte=MAX_OFFSET_DAYS),
                name=f"{prefix}_offset_in_range",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100),
                name=f"{prefix}_pass_mark_percent",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=URL_KINDS) | ~Q(url=""), name=f"{prefix}_link_has_url"
            ),
            models.CheckConstraint(
                condition=~Q(kind=StepKind.READ) | Q(post__isnull=False),
                name=f"{prefix}_read_has_post",
            ),
            models.CheckConstraint(
                condition=~Q(meet_with=MeetWith.PERSON) | Q(meet_person__isnull=False),
                name=f"{prefix}_meeting_has_person",
            ),
        ]


class Step(StepFields):
    """One step of a track, in order; `requires` makes it open only when that step is done."""

    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="steps", verbose_name=_("forløb")
    )
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    requires = models.ForeignKey(
        "self",
        verbose_name=_("kræver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Trinnet åbner først, når dette tidligere trin er gennemført."),
    )

    class Meta:
        verbose_name = _("trin")
        verbose_name_plural = _("trin")
        ordering = ["track_id", "offset_days", "time_of_day", "position", "id"]
        constraints = [
            *StepFields.shape_constraints("step"),
            models.CheckConstraint(
                condition=~Q(requires=models.F("id")), name="step_requires_not_itself"
            ),
            models.UniqueConstraint(fields=["track", "position"], name="step_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("spørgsmål"), max_length=500)

    class Meta:
        verbose_name = _("quizspørgsmål")
        verbose_name_plural = _("quizspørgsmål")
        ordering = ["step_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizOption(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("svarmulighed"), max_length=300)
    is_correct = models.BooleanField(_("korrekt"), default=False)

    class Meta:
        verbose_name = _("svarmulighed")
        verbose_name_plural = _("svarmuligheder")
        ordering = ["question_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class JourneyStatus(models.TextChoices):
    ACTIVE = "active", _("I gang")
    COMPLETED = "completed", _("Gennemført")
    CANCELLED = "cancelled", _("Annulleret")


class Journey(models.Model):
    """A track assigned to one person, dated from its anchor (start date or end date)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="journeys",
        verbose_name=_("person"),
    )
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, related_name="journeys", verbose_name=_("forløb")
    )
    track_version = models.PositiveIntegerField(verbose_name=_("skabelonens version"))
    kind = models.CharField(max_length=20, choices=TrackKind.choices, verbose_name=_("type"))
    anchor_date = models.DateField(_("startdato"), help_text=_("Slutdatoen for offboarding."))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_journeys",
    )
    buddy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("makker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buddy_journeys",
    )
    hr_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HR-kontakt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tildelt af"),
    )
    status = models.CharField(
        max_length=20,
        choices=JourneyStatus.choices,
        default=JourneyStatus.ACTIVE,
        db_index=True,
        verbose_name=_("status"),
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("gennemført"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("forløb for en person")
        verbose_name_plural = _("personers forløb")
        ordering = ["-anchor_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"],
                condition=Q(status="active"),
                name="journey_one_active_per_track",
            ),
            models.CheckConstraint(
                condition=~Q(buddy=models.F("user")), name="journey_buddy_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | (~Q(status="completed") & Q(completed_at__isnull=True)),
                name="journey_completed_at_iff_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} — {self.user}"


class StepStatus(models.TextChoices):
    OPEN = "open", _("Åben")
    DONE = "done", _("Gennemført")
    SKIPPED = "skipped", _("Sprunget over")


class JourneyStep(StepFields):
    """A step copied into one person's journey, dated, with who must do it and its state."""

    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="steps", verbose_name=_("forløb")
    )
    source_step = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("skabelonens trin"),
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("rækkefølge"))
    requires = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unlocks",
        verbose_name=_("kræver først"),
    )
    due_at = models.DateTimeField(_("frist"), db_index=True)
    # The person who must do it: the hire, the leader, the buddy or the HR contact, resolved at
    # assignment (and when the buddy or leader changes), so "what I owe" is one indexed query.
    doer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("udføres af (person)"),
    )
    # The quiz as it was when copied: [{"id", "text", "options": [{"id", "text", "correct"}]}].
    quiz = models.JSONField(default=list, blank=True, verbose_name=_("quiz"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Sat når HR har tilføjet trinnet for netop denne person."),
        verbose_name=_("tilføjet af"),
    )
    status = models.CharField(
        max_length=20,
        choices=StepStatus.choices,
        default=StepStatus.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("gennemført"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gennemført af"),
    )
    # Days from the anchor to completion (Danish calendar): "how far at day 7/30/90" in SQL.
    completed_day = models.SmallIntegerField(
        null=True, blank=True, verbose_name=_("gennemført dag")
    )
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sprunget over af"),
    )
    skip_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("begrundelse for at springe over")
    )
    best_score = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("bedste resultat")
    )
    attempt_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("antal forsøg"))
    # Reminder markers: set in the same UPDATE that claims the reminder, so it goes out once.
    due_notified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("påmindet ved forfald")
    )
    overdue_notified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("påmindet som forsinket")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("trin i et forløb")
        verbose_name_plural = _("trin i forløb")
        ordering = ["journey_id", "due_at", "position", "id"]
        indexes = [
            models.Index(fields=["doer_user", "status", "due_at"], name="jstep_doer_status_due"),
            models.Index(fields=["status", "due_at"], name="jstep_status_due"),
        ]
        constraints = [
            *StepFields.shape_constraints("jstep"),
            models.UniqueConstraint(fields=["journey", "position"], name="jstep_unique_position"),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False)
                | (~Q(status="done") & Q(completed_at__isnull=True)),
                name="jstep_completed_at_iff_done",
            ),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | Q(best_score__lte=100),
                name="jstep_score_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizAttempt(models.Model):
    """One answer sheet for a quiz step: kept for every try, so retakes are visible."""

    step = models.ForeignKey(JourneyStep, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="quizattempt_score_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.score} %"
