"""Content: posts of five kinds, their attachments, read receipts, decisions and RSVPs.

One `Post` table holds every kind. The few kind-specific columns (a meeting's name and date,
an event's time, place and capacity) are nullable and check constraints say which kind needs
which, so the feed is one query over one table with no joins per kind.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from org.models import Audience, Language, OrgUnit, ReadingLanguage


class PostKind(models.TextChoices):
    NEWS = "news", _("Nyhed")
    MINUTES = "minutes", _("Referat")
    EVENT = "event", _("Arrangement")
    PAGE = "page", _("Personaleinfo")
    ALERT = "alert", _("Krisebesked")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SCHEDULED = "scheduled", _("Planlagt")
    PUBLISHED = "published", _("Udgivet")
    ARCHIVED = "archived", _("Arkiveret")


class Post(models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=PostKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    # Rendered and sanitised when the body is written (content.rendering), never per request.
    body_html = models.TextField(editable=False, blank=True, verbose_name=_("tekst (HTML)"))
    summary = models.CharField(
        _("kort fortalt"),
        max_length=500,
        blank=True,
        help_text=_("Et par linjer i et enkelt sprog: det vigtigste først."),
    )
    language = models.CharField(
        _("sprog"), max_length=5, choices=Language.choices, default=Language.DA
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forfatter"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    audience = models.ForeignKey(
        Audience,
        verbose_name=_("målgruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        help_text=_("Den enhed indholdet kommer fra; for referater: mødets enhed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("udgives"), null=True, blank=True)
    published_at = models.DateTimeField(_("udgivet"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    pinned = models.BooleanField(_("fastgjort"), default=False)
    requires_acknowledgement = models.BooleanField(_("kræver 'læst og forstået'"), default=False)

    # Minutes (referat)
    meeting_name = models.CharField(
        _("møde"), max_length=200, blank=True, help_text=_("Fx MED-udvalg, personalemøde.")
    )
    meeting_date = models.DateField(_("mødedato"), null=True, blank=True)

    # Event (arrangement)
    starts_at = models.DateTimeField(_("starter"), null=True, blank=True)
    ends_at = models.DateTimeField(_("slutter"), null=True, blank=True)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("antal pladser"), null=True, blank=True, help_text=_("Tom: ingen grænse.")
    )

    # A podcast episode (SnakMed): the series and the episode's number in it.
    podcast = models.CharField(
        _("podcast"), max_length=100, blank=True, help_text=_("Fx SnakMed; tom: ikke en episode.")
    )
    episode_number = models.PositiveSmallIntegerField(_("episode nr."), null=True, blank=True)

    # LIX of title+body and of the summary, set by content.services on every save (writers
    # and managers see them; readers never do). Null: no words to measure.
    lix = models.PositiveSmallIntegerField(_("LIX"), null=True, blank=True, editable=False)
    summary_lix = models.PositiveSmallIntegerField(
        _("LIX for kort fortalt"), null=True, blank=True, editable=False
    )

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("opslag")
        verbose_name_plural = _("opslag")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            # The feed: published posts, pinned first then newest.
            models.Index(
                F("status"),
                F("pinned").desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="post_feed_order",
            ),
            models.Index(fields=["status", "publish_at"], name="post_due"),
            # The feed's ETag: the latest expiry already passed, one step down this index.
            models.Index(fields=["expires_at"], name="post_expires"),
            models.Index(fields=["unit", "kind"], name="post_unit_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PostStatus.DRAFT) | Q(audience__isnull=False),
                name="post_audience_unless_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.SCHEDULED) | Q(publish_at__isnull=False),
                name="post_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[PostStatus.PUBLISHED, PostStatus.ARCHIVED])
                | Q(published_at__isnull=False),
                name="post_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PostKind.ALERT) | Q(requires_acknowledgement=True),
                name="post_alert_requires_acknowledgement",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PostKind.MINUTES)
                | Q(meeting_date__isnull=False, unit__isnull=False),
                name="post_minutes_have_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PostKind.EVENT) | Q(starts_at__isnull=False),
                name="post_event_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gte=F("starts_at")),
                name="post_event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="post_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(podcast="", episode_number__isnull=True)
                | (~Q(podcast="") & Q(episode_number__gte=1)),
                name="post_episode_has_podcast_and_number",
            ),
            models.UniqueConstraint(
                fields=["podcast", "episode_number"],
                condition=~Q(podcast=""),
                name="post_episode_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReadReceipt(models.Model):
    """A person opened a post (first time kept), and perhaps acknowledged it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_receipts"
    )
    read_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("læsekvittering")
        verbose_name_plural = _("læsekvitteringer")
        indexes = [
            # The feed's ETag counts a person's receipts from this index alone (PostgreSQL:
            # an index-only scan); receipts lie one per heap page, in the order posts came.
            models.Index(fields=["user", "id", "acknowledged_at"], name="readreceipt_user_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="readreceipt_unique"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("read_at")),
                name="readreceipt_ack_after_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # A random stored name: the original name is only metadata, never a path.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"content/attachments/{uuid.uuid4().hex}{suffix}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    IMAGE = "image", _("Billede")
    AUDIO = "audio", _("Lyd")


class PostVersion(models.Model):
    """The post in another language, written or pasted by a person; shown once approved.

    Any change takes the approval away again: what readers see in their language is always
    what a person approved.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("sprog"), max_length=5, choices=ReadingLanguage.choices)
    title = models.CharField(_("titel"), max_length=200)
    summary = models.CharField(_("kort fortalt"), max_length=500, blank=True)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    machine_draft = models.BooleanField(
        _("maskinoversat kladde"),
        default=False,
        help_text=_("Begyndte som maskinoversættelse; en person har læst den før godkendelse."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved = models.BooleanField(_("godkendt"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkendt den"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sprogudgave")
        verbose_name_plural = _("sprogudgaver")
        ordering = ["post", "language"]
        constraints = [
            models.UniqueConstraint(fields=["post", "language"], name="postversion_unique"),
            models.CheckConstraint(
                condition=Q(approved=False) | Q(approved_at__isnull=False),
                name="postversion_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} [{self.language}] {self.title}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    # Blank: for every language; else only with the version (or original) in that language.
    language = models.CharField(
        _("sprog"), max_length=5, choices=ReadingLanguage.choices, blank=True, default=""
    )
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("filnavn"), max_length=255)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # Audio: the length read from the file itself (content.files), and whether it is the post
    # read aloud (rather than, say, a podcast episode's own sound).
    duration_seconds = models.PositiveIntegerField(_("varighed (sekunder)"), null=True, blank=True)
    read_aloud = models.BooleanField(_("opslaget læst op"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vedhæftet fil")
        verbose_name_plural = _("vedhæftede filer")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AttachmentKind.AUDIO, duration_seconds__isnull=False)
                | Q(~Q(kind=AttachmentKind.AUDIO), duration_seconds__isnull=True, read_aloud=False),
                name="attachment_audio_has_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Decision(models.Model):
    """A decision in a referat: what was decided, who does it, by when."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("opslag")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("rækkefølge"))
    text = models.TextField(_("beslutning"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions_owned",
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["post", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class RsvpAnswer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    MAYBE = "maybe", _("Måske")


class Rsvp(models.Model):
    """A person's answer to an event. A yes beyond the capacity waits in line."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=5, choices=RsvpAnswer.choices)
    waitlisted = models.BooleanField(default=False)
    # When the current answer was given: the waiting list is served in this order.
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tilmelding")
        verbose_name_plural = _("tilmeldinger")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="rsvp_unique"),
            models.CheckConstraint(
                condition=Q(waitlisted=False) | Q(answer=RsvpAnswer.YES),
                name="rsvp_only_yes_waits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} {self.post_id}"


class AckReminder(models.Model):
    """A must-read reminder stage that has been handed off, so it is never sent twice."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="ack_reminders")
    after_hours = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "after_hours"], name="ackreminder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} +{self.after_hours}h"


class _KindManager(models.Manager):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class MinutesPost(Post):
    """Referater, as their own list in the admin."""

    objects = _KindManager(PostKind.MINUTES)

    class Meta:
        proxy = True
        verbose_name = _("referat")
        verbose_name_plural = _("referater")


class EventPost(Post):
    """Arrangementer, as their own list in the admin."""

    objects = _KindManager(PostKind.EVENT)

    class Meta:
        proxy = True
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangementer")


class PagePost(Post):
    """Personaleinfo pages, as their own list in the admin (HR edits these)."""

    objects = _KindManager(PostKind.PAGE)

    class Meta:
        proxy = True
        verbose_name = _("personaleinfo-side")
        verbose_name_plural = _("personaleinfo")
