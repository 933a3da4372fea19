"""Pulse surveys: surveys and their questions, waves, invitations, and anonymous answers.

Anonymity is a storage property, not a display rule. For an anonymous wave:
- `Response` holds the wave, the unit frozen at invitation and the day — no person, no time of
  day — and has a random UUID key, so the key says nothing about the order of submission;
- `Participation` (who has answered) is a separate table with a random UUID key and no time at
  all, so its rows cannot be lined up with responses by order or by time;
- `Answer` and `AnswerChoice` repeat the wave and the unit (denormalised) so results aggregate
  in one GROUP BY without a join (~40 ms for 7,000 respondents on PostgreSQL, measured).

When a wave closes its answers are counted once into `UnitTally` (invited and respondents per
frozen unit) and `AnswerTally` (answers per value or option, per node of the frozen tree): the
numbers results would otherwise compute from every answer of every wave on each request. They
carry no person and no time, and group by the same frozen units the answer rows carry.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from org.models import Audience, OrgUnit

# The floors the issue sets: results never below 3 respondents, free text never below 5.
MIN_GROUP_FLOOR = 3
MIN_FREE_TEXT_FLOOR = 5


def default_min_group_size() -> int:
    return settings.SURVEY_MIN_GROUP_SIZE


def default_min_free_text_group_size() -> int:
    return settings.SURVEY_MIN_FREE_TEXT_GROUP_SIZE


class Recurrence(models.TextChoices):
    ONCE = "once", _("Én gang")
    WEEKLY = "weekly", _("Hver uge")
    BIWEEKLY = "biweekly", _("Hver anden uge")
    MONTHLY = "monthly", _("Hver måned")
    QUARTERLY = "quarterly", _("Hvert kvartal")


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Enig/uenig (1–5)")
    SCALE = "scale", _("Skala 0–10")
    SINGLE = "single", _("Ét valg")
    MULTIPLE = "multiple", _("Flere valg")
    FREE_TEXT = "free_text", _("Fritekst")
    KNOWLEDGE = "knowledge", _("Videnspørgsmål")


# Kinds answered by choosing options, and kinds answered with a number.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.KNOWLEDGE})
VALUE_RANGES = {QuestionKind.LIKERT: (1, 5), QuestionKind.SCALE: (0, 10)}


# Indicators every strategy has, whatever its goals: eNPS (a 0–10 question), and a question
# that names its own indicator. Every other indicator key is a goal of the active strategy.
ENPS = "enps"
CUSTOM = "custom"


class Strategy(models.Model):
    """A municipality's communication strategy, as its surveys measure it.

    Its core narrative (Kernefortællingen in Slagelse) with its named pillars, and its goals for
    internal communication with their own wording and optional targets. One strategy is
    active. Questions name a goal or a pillar by its key, not by a foreign key: a wave measured
    under last year's strategy keeps its meaning when a revised strategy drops a goal.
    """

    name = models.CharField(_("navn"), max_length=200)
    municipality = models.CharField(_("kommune"), max_length=120)
    narrative_title = models.CharField(_("kernefortællingens overskrift"), max_length=200)
    narrative_text = models.TextField(_("kernefortællingen"), blank=True)
    narrative_wrong_titles = models.TextField(
        _("forkerte overskrifter"),
        blank=True,
        help_text=_("Én pr. linje: svarmuligheder i videnspørgsmålet om overskriften."),
    )
    wrong_pillars = models.TextField(
        _("forkerte styrkepositioner"),
        blank=True,
        help_text=_("Én pr. linje: svarmuligheder i videnspørgsmålet om styrkepositionerne."),
    )
    narrative_statements = models.TextField(
        _("udsagn om kernefortællingen"),
        blank=True,
        help_text=_("Én pr. linje: udsagn, man kan være enig eller uenig i."),
    )
    is_active = models.BooleanField(_("aktiv"), default=False)

    class Meta:
        verbose_name = _("kommunikationsstrategi")
        verbose_name_plural = _("kommunikationsstrategier")
        ordering = ["-is_active", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="strategy_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def lines(text: str) -> list[str]:
    """The non-empty lines of a one-per-line field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class StrategyPillar(models.Model):
    """One named strength of the core narrative (Slagelse: Beliggenhed, Det gode liv, …)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("strategi")
    )
    key = models.SlugField(_("nøgle"), max_length=40)
    name = models.CharField(_("navn"), max_length=100)
    position = models.PositiveSmallIntegerField(_("nummer"))
    question = models.CharField(_("videnspørgsmål"), max_length=500, blank=True)
    answer = models.CharField(_("rigtigt svar"), max_length=300, blank=True)
    wrong_answers = models.TextField(_("forkerte svar"), blank=True, help_text=_("Én pr. linje."))

    class Meta:
        verbose_name = _("styrkeposition")
        verbose_name_plural = _("styrkepositioner")
        ordering = ["strategy_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "key"], name="strategypillar_unique_key"),
            models.UniqueConstraint(
                fields=["strategy", "position"], name="strategypillar_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(question="", answer="") | (~Q(question="") & ~Q(answer="")),
                name="strategypillar_question_answered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StrategyGoal(models.Model):
    """One goal of the strategy, in its own wording, measured by the questions tagged with its key.

    The target is in the unit of the goal's score: a share between 0 and 1 (knowledge, or
    answers of 4–5 on the Likert scale), or eNPS points when only 0–10 questions measure it.
    """

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("strategi")
    )
    key = models.SlugField(_("nøgle"), max_length=40)
    name = models.CharField(_("mål"), max_length=200)
    position = models.PositiveSmallIntegerField(_("nummer"))
    statement = models.CharField(
        _("udsagn"),
        max_length=500,
        blank=True,
        help_text=_("Udsagnet i undersøgelsen om intern kommunikation, der måler målet."),
    )
    is_narrative = models.BooleanField(
        _("måler kendskab til kernefortællingen"),
        default=False,
        help_text=_("Videnspørgsmålene om styrkepositionerne hører til dette mål."),
    )
    target_value = models.DecimalField(
        _("målværdi"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("En andel mellem 0 og 1 (0,75 = 75 %), eller eNPS-point."),
    )
    target_date = models.DateField(_("nås senest"), null=True, blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["strategy_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "key"], name="strategygoal_unique_key"),
            models.UniqueConstraint(
                fields=["strategy", "position"], name="strategygoal_unique_position"
            ),
            models.UniqueConstraint(
                fields=["strategy"],
                condition=Q(is_narrative=True),
                name="strategygoal_one_narrative",
            ),
            models.CheckConstraint(
                condition=~Q(key__in=[ENPS, CUSTOM]), name="strategygoal_key_not_builtin"
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_value__isnull=False),
                name="strategygoal_date_needs_value",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("introduktion"), blank=True)
    anonymous = models.BooleanField(_("anonym"), default=True)
    audience = models.ForeignKey(
        Audience,
        verbose_name=_("målgruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("mindste gruppe"), default=default_min_group_size
    )
    min_free_text_group_size = models.PositiveSmallIntegerField(
        _("mindste gruppe for fritekst"), default=default_min_free_text_group_size
    )
    recurrence = models.CharField(
        _("gentagelse"), max_length=20, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    first_opens_at = models.DateTimeField(_("første runde åbner"), null=True, blank=True)
    open_days = models.PositiveSmallIntegerField(_("åben i dage"), default=7)
    ends_on = models.DateField(_("sidste runde åbner senest"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
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
        verbose_name = _("undersøgelse")
        verbose_name_plural = _("undersøgelser")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_group_size__gte=MIN_GROUP_FLOOR), name="survey_min_group_floor"
            ),
            models.CheckConstraint(
                condition=Q(min_free_text_group_size__gte=MIN_FREE_TEXT_FLOOR),
                name="survey_min_free_text_floor",
            ),
            models.CheckConstraint(condition=Q(open_days__gte=1), name="survey_open_days_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("undersøgelse")
    )
    position = models.PositiveSmallIntegerField(_("nummer"))
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("spørgsmål"), max_length=500)
    # A goal key of the strategy, ENPS, CUSTOM, or blank (see Strategy for why a key).
    indicator = models.CharField(_("indikator"), max_length=40, blank=True)
    custom_indicator = models.CharField(_("egen indikator"), max_length=60, blank=True)
    # A pillar key of the strategy; knowledge questions only.
    pillar = models.CharField(_("søjle"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("spørgsmål")
        verbose_name_plural = _("spørgsmål")
        ordering = ["survey_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_unique_position"),
            models.CheckConstraint(
                condition=Q(indicator="custom", custom_indicator__gt="")
                | (~Q(indicator="custom") & Q(custom_indicator="")),
                name="question_custom_indicator_named",
            ),
            models.CheckConstraint(
                condition=Q(pillar="") | Q(kind="knowledge"), name="question_pillar_on_knowledge"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def indicator_key(self) -> str:
        """The indicator the question rolls up to: a fixed one, or `custom:<name>`."""
        if self.indicator == CUSTOM:
            return f"custom:{self.custom_indicator}"
        return self.indicator


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("spørgsmål")
    )
    position = models.PositiveSmallIntegerField(_("nummer"))
    text = models.CharField(_("svarmulighed"), max_length=300)
    is_correct = models.BooleanField(_("korrekt"), default=False)

    class Meta:
        verbose_name = _("svarmulighed")
        verbose_name_plural = _("svarmuligheder")
        ordering = ["question_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text


class Wave(models.Model):
    """One run of a survey. Audience, anonymity and group minimums are frozen when it opens."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        CLOSED = "closed", _("Lukket")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="waves", verbose_name=_("undersøgelse")
    )
    number = models.PositiveIntegerField(_("runde"))
    opens_at = models.DateTimeField(_("åbner"))
    closes_at = models.DateTimeField(_("lukker"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    audience = models.ForeignKey(
        Audience, on_delete=models.PROTECT, related_name="+", verbose_name=_("målgruppe")
    )
    anonymous = models.BooleanField(verbose_name=_("anonym"))
    min_group_size = models.PositiveSmallIntegerField(verbose_name=_("mindste gruppestørrelse"))
    min_free_text_group_size = models.PositiveSmallIntegerField(
        verbose_name=_("mindste gruppestørrelse for fritekst")
    )
    invited_count = models.PositiveIntegerField(default=0, verbose_name=_("inviterede"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("påmindet"))
    # Set when closing counted the answers into the tallies; results then read those.
    tallied = models.BooleanField(default=False, verbose_name=_("optalt"))

    class Meta:
        verbose_name = _("runde")
        verbose_name_plural = _("runder")
        ordering = ["survey_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="wave_unique_number"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="wave_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(min_group_size__gte=MIN_GROUP_FLOOR), name="wave_min_group_floor"
            ),
            models.CheckConstraint(
                condition=Q(min_free_text_group_size__gte=MIN_FREE_TEXT_FLOOR),
                name="wave_min_free_text_floor",
            ),
            models.CheckConstraint(
                condition=Q(tallied=False) | Q(status="closed"), name="wave_tallied_when_closed"
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="wave_status_closes")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.number}"


class WaveUnit(models.Model):
    """The unit tree as it stood when the wave opened: a later reorganisation cannot re-cut it."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "unit"], name="waveunit_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A person invited to a wave, with the unit they were in when it opened."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.user_id}"


class Participation(models.Model):
    """That a person has answered a wave — never what, never when. Enforces once-only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="participation_once_per_wave"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.user_id}"


class Response(models.Model):
    """One submitted set of answers. `respondent` is set only for non-anonymous waves."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField()
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["wave", "unit"], name="response_wave_unit")]

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    """The answer to one question; choices of choice questions are in AnswerChoice."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.SmallIntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
        ]
        indexes = [
            models.Index(fields=["wave", "unit", "question"], name="answer_wave_unit_question"),
            # Free texts are read per wave and question; they are the only answers read from
            # this table once a wave is tallied, and a fraction of its rows.
            models.Index(
                fields=["wave", "question"], condition=~Q(text=""), name="answer_text_wave_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}"


class AnswerChoice(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="answerchoice_unique"),
        ]
        indexes = [models.Index(fields=["wave", "unit"], name="answerchoice_wave_unit")]

    def __str__(self) -> str:
        return f"{self.option_id}"


class UnitTally(models.Model):
    """A tallied wave's invited and respondents per frozen unit (NULL: people with no unit)."""

    # Indexed by the unique constraint, which starts with the wave.
    wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, related_name="unit_tallies", db_index=False
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited = models.PositiveIntegerField()
    respondents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("wave"),
                Coalesce(F("unit"), Value(0), output_field=models.BigIntegerField()),
                name="unittally_unique",
            ),
            models.CheckConstraint(
                condition=Q(invited__gt=0) | Q(respondents__gt=0), name="unittally_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.unit_id}"


class AnswerTally(models.Model):
    """How many answers of a tallied wave, from one node of its frozen tree, gave one value.

    A node is a unit together with every unit under it in the wave's frozen tree; NULL is the
    whole organisation (people with no unit included). The counts are the per-unit counts of
    the answer rows rolled up that tree by `suppression.rollup`, once, when the wave closed.
    Exactly one key is set, as in the answer rows counted: `value` (Likert and scale answers),
    `is_correct` (knowledge answers, right or wrong) or `option` (then it counts that option's
    choices, as AnswerChoice rows do). Free text is not tallied.
    """

    # Indexed by answertally_wave_node, which starts with the wave.
    wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, related_name="answer_tallies", db_index=False
    )
    node = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("wave"),
                Coalesce(F("node"), Value(0), output_field=models.BigIntegerField()),
                F("question"),
                Coalesce(F("value"), Value(-1), output_field=models.IntegerField()),
                Coalesce(F("is_correct"), Value(False), output_field=models.BooleanField()),
                Coalesce(F("option"), Value(0), output_field=models.BigIntegerField()),
                name="answertally_unique",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False, is_correct__isnull=True, option__isnull=True)
                | Q(value__isnull=True, is_correct__isnull=False, option__isnull=True)
                | Q(value__isnull=True, is_correct__isnull=True, option__isnull=False),
                name="answertally_one_key",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="answertally_count_positive"),
        ]
        # Results read a few nodes per wave: the tops for the trend, the visible units for one.
        indexes = [models.Index(fields=["wave", "node"], name="answertally_wave_node")]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.node_id}:{self.question_id}"
