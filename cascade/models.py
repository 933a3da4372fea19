"""A cascade: a core message passed down the unit tree, one leader's task per unit."""

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
