"""The organisation: people, the unit tree, roles, leader scopes and audiences."""

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


class OrgUnit(models.Model):
    """A unit in the organisation tree, with a materialised path of ancestor ids.

    `path` is "/1/5/12/" for unit 12 under 5 under 1, so "this unit and everything under it" is
    `path__startswith=unit.path` (an indexed prefix match) and a unit's ancestors are read off
    its own path without a query.
    """

    class Kind(models.TextChoices):
        DIREKTION = "direktion", _("Direktion")
        OMRAADE = "omraade", _("Område/center")
        AFDELING = "afdeling", _("Afdeling")
        TEAM = "team", _("Team/institution")

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The HR system's unit code (LOS/OPUS "enhedskode"): the key HR sync matches units on.
    code = models.CharField(_("enhedskode"), max_length=64, unique=True, null=True, blank=True)
    # Set when HR closes the unit: it keeps its history (posts, survey groups) but takes no
    # new members and is hidden from HR sync's lists.
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    path = models.CharField(
        max_length=255, unique=True, editable=False, verbose_name=_("sti i træet")
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False, verbose_name=_("dybde"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("ændret"))

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="orgunit_unique_name_under_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this unit, read off the path."""
        return [int(part) for part in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Medarbejder")
    LEADER = "leader", _("Leder")
    HR = "hr", _("HR")
    COMMUNICATIONS = "communications", _("Kommunikation")
    ADMIN = "admin", _("Administrator")


# Roles that work in the web admin as well as the app.
STAFF_ROLES = frozenset({Role.HR, Role.COMMUNICATIONS, Role.ADMIN})


class Language(models.TextChoices):
    DA = "da", _("Dansk")
    EN = "en", _("English")


class ReadingLanguage(models.TextChoices):
    """Languages a post can be read in (content.PostVersion), each named in itself.

    Wider than `Language` (the app's own texts): many frontline staff read Danish as a second
    language, and a person-approved version of a post helps them where the app's buttons do not.
    """

    DA = "da", "Dansk"
    EN = "en", "English"
    DE = "de", "Deutsch"
    PL = "pl", "Polski"
    RO = "ro", "Română"
    LT = "lt", "Lietuvių"
    UK = "uk", "Українська"
    TR = "tr", "Türkçe"
    AR = "ar", "العربية"
    FA = "fa", "فارسی"
    UR = "ur", "اردو"
    SO = "so", "Soomaali"
    TI = "ti", "ትግርኛ"
    VI = "vi", "Tiếng Việt"
    TH = "th", "ไทย"
    TL = "tl", "Tagalog"


# Written right to left: an app lays these out mirrored.
RTL_LANGUAGES = frozenset({ReadingLanguage.AR, ReadingLanguage.FA, ReadingLanguage.UR})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **fields):
        """Create a person directly; the app itself goes through org.services.user_invite."""
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        user = self.create_user(email=email, password=password, **fields)
        UserRole.objects.get_or_create(user=user, role=Role.ADMIN)
        return user


def _new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works in the organisation.

    Identity is an e-mail or a mobile number (at least one: many frontline staff have no work
    e-mail); the employee number ties the person to the HR system.
    """

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobilnummer"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("I internationalt format, fx +4512345678."),
    )
    employee_number = models.CharField(
        _("medarbejdernummer"), max_length=32, unique=True, null=True, blank=True
    )
    name = models.CharField(_("navn"), max_length=200)
    job_title = models.CharField(
        _("stillingsbetegnelse"), max_length=120, blank=True, db_index=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    language = models.CharField(
        _("sprog"), max_length=5, choices=Language.choices, default=Language.DA
    )
    # The language the person reads posts in, when it is not the app's language; blank: the
    # app's language if not Danish, then the phone's Accept-Language, then Danish.
    reading_language = models.CharField(
        _("sprog for opslag"), max_length=5, choices=ReadingLanguage.choices, blank=True
    )
    share_email = models.BooleanField(_("vis e-mail for kolleger"), default=False)
    share_phone = models.BooleanField(_("vis mobilnummer for kolleger"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("adgang til administration"), default=False)
    # Part of the session auth hash: rotating it ends every session the person has, for good.
    security_stamp = models.CharField(
        max_length=32,
        default=_new_security_stamp,
        editable=False,
        verbose_name=_("sikkerhedsstempel"),
    )
    invited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("inviteret"))
    # Set when the person's identity was erased (GDPR): the row stays, anonymised, so journeys,
    # read counts and survey response rates keep counting without saying who.
    erased_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(default=timezone.now, verbose_name=_("oprettet"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("ændret"))

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False)
                | Q(phone__isnull=False)
                | Q(erased_at__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="user_end_date_after_start_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"#{self.pk}"

    def get_session_auth_hash(self) -> str:
        # Django checks this on every request; mixing in the stamp ends old sessions when it
        # rotates (deactivation), and they stay ended after reactivation.
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "org.User.get_session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    @property
    def role_set(self) -> frozenset[str]:
        """The person's roles; cached, and filled by prefetch_related('roles') when present."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(r.role for r in self.roles.all())
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_set.intersection(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="userrole_unique"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class LeaderScope(models.Model):
    """A unit a leader leads; the leader sees it and everything under it."""

    leader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="leader_scopes")

    class Meta:
        verbose_name = _("ledelsesområde")
        verbose_name_plural = _("ledelsesområder")
        constraints = [
            models.UniqueConstraint(fields=["leader", "unit"], name="leaderscope_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"


class Audience(models.Model):
    """A reusable target: everyone, units (with or without subtree), roles, job titles, people.

    A person is in the audience when any one rule matches. See org.selectors for the two
    one-query directions: the members of an audience, and the audiences a person is in.
    """

    name = models.CharField(_("navn"), max_length=200, blank=True)
    everyone = models.BooleanField(_("alle medarbejdere"), default=False)
    people = models.ManyToManyField(User, blank=True, related_name="+", verbose_name=_("personer"))
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("oprettet"))

    class Meta:
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")

    def __str__(self) -> str:
        return self.name or _("Målgruppe #%(id)s") % {"id": self.pk}


class AudienceUnit(models.Model):
    audience = models.ForeignKey(
        Audience, on_delete=models.CASCADE, related_name="unit_rules", verbose_name=_("målgruppe")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("enhed")
    )
    include_subtree = models.BooleanField(default=True, verbose_name=_("med underenheder"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audience", "unit"], name="audienceunit_unique"),
        ]
        verbose_name = _("målgruppens enhed")
        verbose_name_plural = _("målgruppens enheder")

    def __str__(self) -> str:
        return f"{self.unit_id}{'+' if self.include_subtree else ''}"


class AudienceRole(models.Model):
    audience = models.ForeignKey(
        Audience, on_delete=models.CASCADE, related_name="role_rules", verbose_name=_("målgruppe")
    )
    role = models.CharField(max_length=20, choices=Role.choices, verbose_name=_("rolle"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audience", "role"], name="audiencerole_unique"),
        ]
        verbose_name = _("målgruppens rolle")
        verbose_name_plural = _("målgruppens roller")

    def __str__(self) -> str:
        return self.role


class AudienceJobTitle(models.Model):
    audience = models.ForeignKey(
        Audience,
        on_delete=models.CASCADE,
        related_name="job_title_rules",
        verbose_name=_("målgruppe"),
    )
    job_title = models.CharField(max_length=120, verbose_name=_("stilling"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "job_title"], name="audiencejobtitle_unique"
            ),
        ]
        verbose_name = _("målgruppens stilling")
        verbose_name_plural = _("målgruppens stillinger")

    def __str__(self) -> str:
        return self.job_title


class AccessLog(models.Model):
    """One time someone read another person's personal data: who, whom, what, when and why.

    Append-only from the app: rows are written by org.services.access_log_record only, the
    admin shows them read-only, and a saved row refuses to be changed or deleted one by one.
    Only the retention task removes rows, in bulk, after RETENTION_DAYS_ACCESS_LOG.
    """

    class What(models.TextChoices):
        PERSON_RECORD = "person_record", _("Personens stamdata")
        JOURNEY = "journey", _("Onboardingforløb")
        EXPORT = "export", _("Udtræk af persondata")
        ERASURE = "erasure", _("Sletning af persondata")
        PROVISIONING = "provisioning", _("Ændret af HR-synkronisering")

    actor = models.ForeignKey(
        User,
        verbose_name=_("hvem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tom: systemet selv (fx automatisk sletning)."),
    )
    subject = models.ForeignKey(
        User, verbose_name=_("om hvem"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("hvad"), max_length=20, choices=What.choices)
    object_id = models.PositiveBigIntegerField(_("objekt-id"), null=True, blank=True)
    purpose = models.CharField(_("formål"), max_length=300, blank=True)
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"], name="accesslog_subject_at")]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.subject_id}: {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogImmutableError(_("Adgangsloggen kan ikke ændres."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutableError(_("Adgangsloggen kan ikke ændres."))


class AccessLogImmutableError(Exception):
    """Raised on any attempt to change or delete one access-log row."""
