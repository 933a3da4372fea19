"""'I sagde – vi gjorde': a leader's follow-up on a closed wave, and the actions it promises.

A `FollowUp` is the task a leader gets when a wave closes with a shown result for a unit they
lead; its `Action`s (what, who, by when) are written from the questions or indicators that
leader could see for that unit, published to the unit as a post, and kept up to date.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUp(models.Model):
    """One leader's task to follow up on one wave's result for one unit they lead."""

    wave = models.ForeignKey(
        "surveys.Wave", on_delete=models.CASCADE, related_name="+", verbose_name=_("runde")
    )
    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("enhed")
    )
    # The unit's leader when the wave closed. Erasure keeps the row (renamed person), so the
    # follow-up rate of past waves keeps counting it.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leder"),
    )
    # When the wave stopped taking answers: the start of "how fast" leaders followed up.
    closed_at = models.DateTimeField(_("runden lukkede"))
    first_published_at = models.DateTimeField(_("første gang delt"), null=True, blank=True)

    class Meta:
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        ordering = ["-closed_at", "unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "unit", "leader"], name="followup_unique_leader_unit"
            ),
            models.CheckConstraint(
                condition=Q(first_published_at__isnull=True)
                | Q(first_published_at__gte=models.F("closed_at")),
                name="followup_published_after_close",
            ),
        ]
        indexes = [models.Index(fields=["leader", "closed_at"], name="followup_leader")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.unit}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("I gang")
    DONE = "done", _("Gennemført")


class Action(models.Model):
    """What the unit will do about one question or indicator: what, who, by when."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="actions", verbose_name=_("opfølgning")
    )
    # Exactly one of: a question of the wave's survey, or an indicator key its questions carry.
    question = models.ForeignKey(
        "surveys.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("spørgsmål"),
    )
    indicator = models.CharField(_("indikator"), max_length=110, blank=True)
    what = models.TextField(_("hvad gør vi"), max_length=2000)
    who = models.CharField(_("hvem"), max_length=200)
    due_on = models.DateField(_("senest"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # The leader's work product: kept on their erasure, shown as "Tidligere medarbejder".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skrevet af"),
    )
    post = models.ForeignKey(
        "content.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opslag"),
    )
    published_at = models.DateTimeField(_("delt"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("handling")
        verbose_name_plural = _("handlinger")
        ordering = ["followup_id", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, indicator="")
                | Q(question__isnull=True) & ~Q(indicator=""),
                name="action_question_or_indicator",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]
