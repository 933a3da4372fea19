"""Notifications with channels: devices, preferences and quiet hours, the notification outbox,
deliveries by push, SMS and e-mail, crisis alerts.

The Django app keeps its label `push` (tables, imports); it is the notifications app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NEWS = "news", _("Nyheder")
    MINUTES = "minutes", _("Referater")
    EVENTS = "events", _("Arrangementer")
    ONBOARDING = "onboarding", _("Onboarding")
    SURVEYS = "surveys", _("Undersøgelser")
    ALERTS = "alerts", _("Krisebeskeder")
    # Messages to staff about Bro itself (an SMS budget running out); cannot be switched off.
    SYSTEM = "system", _("Driftsbeskeder")


# The categories a person may switch off; alerts always come through.
SWITCHABLE_CATEGORIES = (
    Category.NEWS,
    Category.MINUTES,
    Category.EVENTS,
    Category.ONBOARDING,
    Category.SURVEYS,
)


class Channel(models.TextChoices):
    """How a delivery reaches a person: their app (FCM), their mobile number, their e-mail."""

    PUSH = "push", _("Push")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Høj")


class Device(models.Model):
    """A phone or browser that can receive push: an FCM registration token or installation id.

    firebase-admin 7.x deprecates `token` in favour of `fid` (Firebase installation id); the
    `kind` says which one `identifier` holds, so both keep working through the change.
    A device is retired (not deleted) so "who was reached" keeps its history.
    """

    class Kind(models.TextChoices):
        TOKEN = "token", _("Registreringstoken")
        FID = "fid", _("Installations-id")

    class Platform(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"
        WEB = "web", "Web"

    class RetiredReason(models.TextChoices):
        USER = "user", _("Afmeldt af brugeren")
        LOGOUT = "logout", _("Logget ud")
        UNREGISTERED = "unregistered", _("Ukendt hos FCM")
        INVALID = "invalid", _("Ugyldigt hos FCM")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_devices",
        verbose_name=_("person"),
    )
    # FCM registration tokens are ~160-200 characters today; Google documents no maximum.
    identifier = models.CharField(_("token"), max_length=1024, unique=True)
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.TOKEN, verbose_name=_("type")
    )
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    app_version = models.CharField(_("app-version"), max_length=50, blank=True)
    # SHA-256 of the session that registered the device, so logging out retires it. The
    # session key is a bearer credential and is never stored as such.
    session_hash = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("sessionens fingeraftryk")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))
    last_seen_at = models.DateTimeField(verbose_name=_("sidst set"))
    retired_at = models.DateTimeField(null=True, blank=True, verbose_name=_("udfaset"))
    retired_reason = models.CharField(
        max_length=20, choices=RetiredReason.choices, blank=True, verbose_name=_("udfaset fordi")
    )

    class Meta:
        verbose_name = _("enhed til push")
        verbose_name_plural = _("enheder til push")
        indexes = [
            models.Index(
                fields=["user"], condition=Q(retired_at__isnull=True), name="push_device_active"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True, retired_reason="")
                | Q(retired_at__isnull=False) & ~Q(retired_reason=""),
                name="push_device_retired_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.identifier[:12]}…"


class Preference(models.Model):
    """A person's push settings; a person without a row has every category on, no quiet hours.

    Quiet hours are wall-clock times in Europe/Copenhagen. A window whose end is before its
    start runs across midnight; `quiet_weekdays` names the days on which a window *starts*
    (bit 0 = Monday ... bit 6 = Sunday), so Friday 22:00-07:00 covers Saturday morning.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="push_preference",
    )
    news = models.BooleanField(_("nyheder"), default=True)
    minutes = models.BooleanField(_("referater"), default=True)
    events = models.BooleanField(_("arrangementer"), default=True)
    onboarding = models.BooleanField(_("onboarding"), default=True)
    surveys = models.BooleanField(_("undersøgelser"), default=True)
    # Channels a person accepts besides push; crisis alerts use every channel regardless.
    sms = models.BooleanField(_("sms"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    quiet_start = models.TimeField(_("stille fra"), null=True, blank=True)
    quiet_end = models.TimeField(_("stille til"), null=True, blank=True)
    quiet_weekdays = models.PositiveSmallIntegerField(_("stille på ugedage"), default=0b1111111)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("push-indstilling")
        verbose_name_plural = _("push-indstillinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_weekdays__lte=0b1111111), name="push_pref_weekdays_bits"
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False)
                & ~Q(quiet_start=models.F("quiet_end")),
                name="push_pref_quiet_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user_id)


class Notification(models.Model):
    """One message to many people, stored as a Danish msgid + params, rendered per recipient.

    Written in the same transaction as what it announces; `dedup_key` makes a repeated send a
    no-op (a retried caller, beat firing twice).
    """

    category = models.CharField(max_length=20, choices=Category.choices, verbose_name=_("kategori"))
    title = models.CharField(max_length=500, verbose_name=_("titel"))
    body = models.TextField(blank=True, verbose_name=_("tekst"))
    params = models.JSONField(default=dict, blank=True, verbose_name=_("parametre"))
    # Deep link for the app: string values only, as FCM's data payload requires.
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    priority = models.CharField(
        max_length=10,
        choices=Priority.choices,
        default=Priority.NORMAL,
        verbose_name=_("prioritet"),
    )
    collapse_key = models.CharField(
        max_length=100, blank=True, verbose_name=_("sammenfoldningsnøgle")
    )
    dedup_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, verbose_name=_("dubletnøgle")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("oprettet"))

    class Meta:
        verbose_name = _("notifikation")
        verbose_name_plural = _("notifikationer")

    def __str__(self) -> str:
        return f"{self.category}: {self.title}"


class Recipient(models.Model):
    """A notification in one person's inbox."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_inbox"
    )
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("modtager")
        verbose_name_plural = _("modtagere")
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="push_recipient_unique")
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="push_inbox_order")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.user_id}"


class Delivery(models.Model):
    """One notification to one person on one channel (a push device, a number, an address).

    queued → sending (claimed by one task, attempts + 1) → sent | retrying | failed.
    held waits for the end of the person's quiet hours (`next_attempt_at`); skipped means the
    device was retired before its turn, or the SMS budget was spent. A task delivered twice
    finds nothing to claim. For SMS, the gateway's delivery report later sets `delivered_at`
    (or fails the row) through the signed callback.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Holdt tilbage (stille timer)")
        QUEUED = "queued", _("I kø")
        SENDING = "sending", _("Sendes")
        RETRYING = "retrying", _("Prøves igen")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet")
        SKIPPED = "skipped", _("Sprunget over")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notifikation"),
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.PUSH, verbose_name=_("kanal")
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
        verbose_name=_("enhed (telefon)"),
    )
    # The number (E.164) or e-mail address used, as it was when the row was written.
    address = models.CharField(max_length=254, blank=True, verbose_name=_("adresse"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("forsøg"))
    error_code = models.CharField(max_length=40, blank=True, verbose_name=_("fejlkode"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("næste forsøg"))
    claim = models.UUIDField(null=True, blank=True, db_index=True, verbose_name=_("optaget af"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("optaget"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sendt"))
    # SMS: segments of the rendered text and their estimated price, known when it is written.
    segments = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("SMS-dele"))
    cost = models.DecimalField(
        max_digits=9, decimal_places=4, null=True, blank=True, verbose_name=_("pris")
    )
    # SMS: the gateway's delivery report (DELIVERED, UNDELIVERABLE, ...) and when it came.
    report_status = models.CharField(max_length=20, blank=True, verbose_name=_("leveringsrapport"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("leveret"))
    updated_at = models.DateTimeField(verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("levering")
        verbose_name_plural = _("leveringer")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "device"],
                condition=Q(device__isnull=False),
                name="push_delivery_unique",
            ),
            models.UniqueConstraint(
                fields=["notification", "user", "channel"],
                condition=~Q(channel="push"),
                name="push_delivery_unique_per_channel",
            ),
            models.CheckConstraint(
                condition=Q(channel="push", device__isnull=False)
                | ~Q(channel="push") & Q(device__isnull=True) & ~Q(address=""),
                name="push_delivery_channel_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="push_delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The reconciler and the hold release look for unfinished rows only.
            models.Index(
                fields=["status", "updated_at"],
                condition=Q(status__in=["held", "queued", "sending", "retrying"]),
                name="push_delivery_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.channel} {self.device_id or self.user_id}: {self.status}"


class Alert(models.Model):
    """A crisis message that everyone must answer, with a per-person escalation ladder.

    Each step is minutes after sending, or None to skip it; it reaches only people who have
    not answered by then. `post_id` optionally links the content app's alert post.
    """

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("afsender"),
    )
    title = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(_("tekst"))
    post_id = models.PositiveBigIntegerField(
        null=True, blank=True, db_index=True, verbose_name=_("opslag")
    )
    notification = models.OneToOneField(
        Notification,
        on_delete=models.PROTECT,
        related_name="alert",
        null=True,
        blank=True,
        verbose_name=_("notifikation"),
    )
    repush_after_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("ny push efter (minutter)")
    )
    sms_after_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("SMS efter (minutter)")
    )
    email_after_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("e-mail efter (minutter)")
    )
    call_list_after_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("ringeliste efter (minutter)")
    )
    sent_at = models.DateTimeField(db_index=True, verbose_name=_("sendt"))
    escalation_done_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("eskalering afsluttet")
    )

    class Meta:
        verbose_name = _("krisebesked")
        verbose_name_plural = _("krisebeskeder")

    def __str__(self) -> str:
        return self.title


class AlertRecipient(models.Model):
    """One person's line in an alert's roll-call, and how far the ladder has gone for them."""

    class Answer(models.TextChoices):
        OK = "ok", _("Jeg er OK")
        NEED_HELP = "need_help", _("Jeg har brug for hjælp")
        ACKNOWLEDGED = "acknowledged", _("Set og forstået")

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("varsel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    # The unit at send time: the roll-call groups by it even if the person moves later.
    unit = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhed"),
    )
    answer = models.CharField(
        max_length=20, choices=Answer.choices, blank=True, verbose_name=_("svar")
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("svaret"))
    repushed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ny push sendt"))
    sms_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SMS sendt"))
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("e-mail sendt"))
    call_listed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("sat på ringeliste")
    )

    class Meta:
        verbose_name = _("modtager af krisebesked")
        verbose_name_plural = _("modtagere af krisebesked")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="push_alertrecipient_unique"),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | ~Q(answer="") & Q(answered_at__isnull=False),
                name="push_alertrecipient_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}: {self.answer or '-'}"
