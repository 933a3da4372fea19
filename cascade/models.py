"""A cascade: a core message passed down the unit tree, one leader's task per unit."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Cascade(models.Model):
    """The message communications (or a director) sends down from `root_unit`."""

    title = models.CharField(_("titel"), max_length=200)
    # The core message, Markdown: "kort fortalt".
    message = models.TextField(_("budskab (kort fortalt)"))
    # For the leaders only: "sådan kan du fortælle det".
    talking_points = models.TextField(_("sådan kan du fortælle det"), blank=True)
    root_unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("startenhed")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    started_at = models.DateTimeField(_("startet"))
    # A pillar of Kernefortællingen by its key (as survey questions name it), or blank.
    pillar = models.SlugField(_("styrkeposition"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("kaskade")
        verbose_name_plural = _("kaskader")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Level(models.Model):
    """One level of the tree the cascade runs through (0 = the root unit), with its deadline."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("niveau"))
    deadline = models.DateTimeField(_("frist"))

    class Meta:
        verbose_name = _("niveau")
        verbose_name_plural = _("niveauer")
        ordering = ["cascade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cascade", "number"], name="cascade_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cascade} · {self.number}"


class Task(models.Model):
    """A unit's step in a cascade: its leader (or their deputy) passes the message on."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="tasks")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("enhed")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    # The unit's leader when the cascade started; none when the unit had no leader (the chain
    # breaks there, and the progress shows it).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leder"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stedfortræder"),
    )
    received_at = models.DateTimeField(_("modtaget"), null=True, blank=True)
    passed_on_at = models.DateTimeField(_("givet videre"), null=True, blank=True)
    passed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("givet videre af"),
    )
    local_note = models.TextField(_("hvad betyder det for os"), blank=True)
    # The last level: told at a team meeting (tavlemøde/morgenmøde), and/or a must-read post.
    told_on = models.DateField(_("fortalt på møde den"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("deltagere"), null=True, blank=True)
    post = models.ForeignKey(
        "content.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opslag"),
    )
    reminded_at = models.DateTimeField(_("påmindet"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("sendt til egen leder"), null=True, blank=True)

    class Meta:
        verbose_name = _("kaskadeopgave")
        verbose_name_plural = _("kaskadeopgaver")
        ordering = ["cascade", "level__number", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["cascade", "unit"], name="cascade_task_unit_unique"),
            models.CheckConstraint(
                condition=Q(passed_on_at__isnull=True) | Q(passed_on_at__gte=F("received_at")),
                name="cascade_task_passed_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["leader", "received_at"], name="cascade_task_leader"),
            models.Index(fields=["deputy", "received_at"], name="cascade_task_deputy"),
        ]

    def __str__(self) -> str:
        return f"{self.cascade} · {self.unit}"


class Question(models.Model):
    """A question or feedback sent up a cascade by an employee or a leader.

    Anonymous questions hold NO link to their author: no person, no hash, not even the time of
    day (only the date), so nothing in the database leads back to who asked. `origin` is the
    task of the asker's unit (the leader it lands with); `holder` is where it sits now, None
    once it has gone past the top task to communications.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", _("Spørgsmål")
        FEEDBACK = "feedback", _("Feedback")

    class Visibility(models.TextChoices):
        ASKER = "asker", _("Kun spørgeren")
        UNIT = "unit", _("Hele enheden")

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="questions")
    origin = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    at_top = models.BooleanField(_("hos kommunikation"), default=False)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(_("spørgsmål"))
    anonymous = models.BooleanField(_("anonym"), default=False)
    # Named questions only (the constraint below); set null when the person is erased.
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("spørger"),
    )
    asked_on = models.DateField(_("stillet den"))
    # Chosen by communications at the top, to group the questions of a cascade.
    topic = models.CharField(_("emne"), max_length=100, blank=True)
    answer = models.TextField(_("svar"), blank=True)
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besvaret af"),
    )
    answer_visibility = models.CharField(
        _("svaret kan ses af"), max_length=10, choices=Visibility.choices, blank=True
    )

    class Meta:
        verbose_name = _("spørgsmål til kaskade")
        verbose_name_plural = _("spørgsmål til kaskader")
        ordering = ["cascade", "topic", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(asker__isnull=True),
                name="cascade_question_anonymous_has_no_asker",
            ),
            models.CheckConstraint(
                condition=Q(at_top=False) | Q(holder__isnull=True),
                name="cascade_question_top_has_no_holder",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer_visibility=""),
                name="cascade_question_answer_visibility",
            ),
        ]
        indexes = [models.Index(fields=["asker"], name="cascade_question_asker")]

    def __str__(self) -> str:
        return f"{self.cascade} · {self.pk}"


class QuestionHop(models.Model):
    """A place a question has been: the task it landed at (None: communications), with the
    comment of the leader who sent it there. The leaders it passed see it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="hops")
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("kommentar"), blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sendt videre af"),
    )
    arrived_on = models.DateField(_("modtaget den"))

    class Meta:
        verbose_name = _("spørgsmålets vej")
        verbose_name_plural = _("spørgsmålenes vej")
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return f"{self.question} · {self.task_id or '-'}"


class FaqItem(models.Model):
    """An answer communications published back down the cascade: every level receives it."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="faq")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="faq_items"
    )
    # The question as communications words it for everyone (not the asker's own words).
    question_text = models.TextField(_("spørgsmål"))
    answer = models.TextField(_("svar"))
    published_at = models.DateTimeField(_("udgivet"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("udgivet af"),
    )

    class Meta:
        verbose_name = _("spørgsmål og svar")
        verbose_name_plural = _("spørgsmål og svar")
        ordering = ["cascade", "published_at", "pk"]

    def __str__(self) -> str:
        return self.question_text[:60]


def _attachment_path(instance: "CascadeAttachment", filename: str) -> str:
    # A random stored name, as content's: the original name is only metadata, never a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"cascade/attachments/{uuid.uuid4().hex}{suffix}"


class CascadeAttachment(models.Model):
    """A file that goes with the message (PDF or image), checked as content checks a post's."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("filnavn"), max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["cascade", "pk"]

    def __str__(self) -> str:
        return self.original_name
