"""HR sync: the history of file imports, SCIM provisioning clients and SCIM identifiers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One file import: previewed (dry run), applied or failed, with who ran it and the counts.

    `content` holds the uploaded file only between the admin's preview and its confirmation;
    it is emptied once the run is applied or discarded (it is personal data).
    """

    class Mode(models.TextChoices):
        INCREMENTAL = "incremental", _("Løbende (kun rækkerne i filen)")
        FULL = "full", _("Fuld (personer uden for filen er fratrådte)")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Forhåndsvisning")
        APPLIED = "applied", _("Gennemført")
        FAILED = "failed", _("Fejlet")
        DISCARDED = "discarded", _("Kasseret")

    class Source(models.TextChoices):
        ADMIN = "admin", _("Administration")
        COMMAND = "command", _("Natlig kørsel (kommando)")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kørt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("kilde"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("filnavn"), max_length=255)
    mode = models.CharField(_("tilstand"), max_length=12, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    leavers_confirmed = models.BooleanField(_("fratrådte bekræftet"), default=False)
    counts = models.JSONField(_("antal"), default=dict)
    report = models.JSONField(_("forskel"), default=dict)
    error = models.TextField(_("fejl"), blank=True)
    content = models.BinaryField(
        null=True, blank=True, editable=False, verbose_name=_("filens indhold")
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(_("gennemført"), null=True, blank=True)

    class Meta:
        verbose_name = _("import af medarbejdere")
        verbose_name_plural = _("importer af medarbejdere")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ScimClient(models.Model):
    """A provisioning client (e.g. Microsoft Entra ID) with its own bearer token.

    Only a SHA-256 of the token is stored: the token is 256 random bits, so a fast hash is
    enough (no dictionary to guess from) and a lookup is one indexed query per request.
    """

    name = models.CharField(_("navn"), max_length=100, unique=True)
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("tokenets hash")
    )
    token_prefix = models.CharField(_("tokenets begyndelse"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oprettet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM-klient")
        verbose_name_plural = _("SCIM-klienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScimUser(models.Model):
    """What a provisioning client calls a person: its userName and externalId, kept as sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim"
    )
    user_name = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The resource as the client last wrote it (only the attributes Bro's schema declares), so
    # it reads back as sent; Bro's own fields win where HR changed them since (hrsync.scim).
    attributes = models.JSONField(default=dict)
    # DELETE over SCIM: the person is offboarded and the resource is gone for the client.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM-identitet")
        verbose_name_plural = _("SCIM-identiteter")

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """A SCIM Group is a unit: its externalId, kept as the client sent it."""

    unit = models.OneToOneField("org.OrgUnit", on_delete=models.CASCADE, related_name="scim")
    external_id = models.CharField(max_length=255, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("SCIM-gruppe")
        verbose_name_plural = _("SCIM-grupper")

    def __str__(self) -> str:
        return self.external_id or str(self.unit_id)
