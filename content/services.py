"""Writes to content. Every change that matters goes through a function here."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, ConflictError, PermissionDeniedError
from org import selectors as org_selectors
from org import services as org_services
from org.models import Audience, OrgUnit, Role, User

from . import announce, files, readability, selectors, translation
from .models import (
    AckReminder,
    Attachment,
    AttachmentKind,
    Decision,
    Post,
    PostKind,
    PostStatus,
    PostVersion,
    ReadReceipt,
    Rsvp,
    RsvpAnswer,
)
from .rendering import render_markdown

logger = logging.getLogger("bro.content")

# Which kinds each role may write. Communications and admins write everything.
_KINDS_BY_ROLE = {
    Role.COMMUNICATIONS: frozenset(PostKind.values),
    Role.ADMIN: frozenset(PostKind.values),
    Role.HR: frozenset({PostKind.PAGE}),
    Role.LEADER: frozenset({PostKind.NEWS, PostKind.MINUTES, PostKind.EVENT}),
}


@dataclass
class AudienceSpec:
    """Who a post is for: everyone, units (each with or without its subtree), roles, job
    titles, named people. A person is in it when any rule matches."""

    everyone: bool = False
    units: list[tuple[OrgUnit, bool]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    job_titles: list[str] = field(default_factory=list)
    people: list[User] = field(default_factory=list)


@dataclass
class DecisionSpec:
    text: str
    owner: User | None = None
    deadline: date | None = None


# --- Permissions ------------------------------------------------------------------------


def kinds_writable_by(user: User) -> frozenset[str]:
    kinds: set[str] = set()
    for role, allowed in _KINDS_BY_ROLE.items():
        if user.has_role(role):
            kinds |= allowed
    return frozenset(kinds)


def _check_kind(*, actor: User, kind: str) -> None:
    if kind not in kinds_writable_by(actor):
        raise PermissionDeniedError(
            _("Du kan ikke skrive denne type indhold."),
            code="kind_not_allowed",
            fields={"kind": [_("Ikke tilladt for dig.")]},
        )


def _writes_for_anyone(*, actor: User, kind: str) -> bool:
    """Communications and admins target anyone; HR targets anyone with staff info pages."""
    return actor.has_role(Role.COMMUNICATIONS, Role.ADMIN) or (
        kind == PostKind.PAGE and actor.has_role(Role.HR)
    )


def _check_audience(*, actor: User, kind: str, spec: AudienceSpec) -> None:
    """A leader's audience stays inside its scope: its units (and below) and its people."""
    if _writes_for_anyone(actor=actor, kind=kind):
        return
    refused: list[str] = []
    if spec.everyone:
        refused.append(_("Du kan ikke skrive til alle medarbejdere."))
    if spec.roles or spec.job_titles:
        refused.append(
            _("Roller og stillinger rækker ud over dit område: vælg enheder eller personer.")
        )
    unit_ids = {unit.pk for unit, _subtree in spec.units}
    if unit_ids:
        in_scope = set(
            org_selectors.units_in_scope(leader=actor)
            .filter(pk__in=unit_ids)
            .values_list("pk", flat=True)
        )
        if unit_ids - in_scope:
            refused.append(_("Nogle af enhederne ligger uden for dit område."))
    person_ids = {person.pk for person in spec.people}
    if person_ids:
        in_scope = set(
            org_selectors.users_in_scope(leader=actor)
            .filter(pk__in=person_ids)
            .values_list("pk", flat=True)
        )
        if person_ids - in_scope:
            refused.append(_("Nogle af personerne ligger uden for dit område."))
    if refused:
        raise PermissionDeniedError(
            _("Målgruppen ligger uden for dit område."),
            code="audience_out_of_scope",
            fields={"audience": refused},
        )


def _check_unit(*, actor: User, kind: str, unit: OrgUnit | None) -> None:
    if unit is None or _writes_for_anyone(actor=actor, kind=kind):
        return
    if not org_selectors.units_in_scope(leader=actor).filter(pk=unit.pk).exists():
        raise PermissionDeniedError(
            _("Enheden ligger uden for dit område."),
            code="unit_out_of_scope",
            fields={"unit": [_("Vælg en enhed i dit område.")]},
        )


def audience_spec_of(audience: Audience) -> AudienceSpec:
    """The rules of a stored audience, to check them again (at publish time)."""
    return AudienceSpec(
        everyone=audience.everyone,
        units=[(rule.unit, rule.include_subtree) for rule in audience.unit_rules.all()],
        roles=[rule.role for rule in audience.role_rules.all()],
        job_titles=[rule.job_title for rule in audience.job_title_rules.all()],
        people=list(audience.people.all()),
    )


def _audience_create(*, actor: User, kind: str, spec: AudienceSpec) -> Audience:
    _check_audience(actor=actor, kind=kind, spec=spec)
    return org_services.audience_create(
        created_by=actor,
        everyone=spec.everyone,
        units=spec.units,
        roles=spec.roles,
        job_titles=spec.job_titles,
        people=spec.people,
    )


# --- Writing ----------------------------------------------------------------------------

# What post_create and post_update set, in the admin's order: every kind's, then per kind.
POST_FIELDS = (
    "title",
    "summary",
    "body",
    "language",
    "unit",
    "pinned",
    "requires_acknowledgement",
    "expires_at",
    "podcast",
    "episode_number",
)
POST_KIND_FIELDS = {
    PostKind.MINUTES: ("meeting_name", "meeting_date"),
    PostKind.EVENT: ("starts_at", "ends_at", "place", "capacity"),
}
_EDITABLE_FIELDS = frozenset(POST_FIELDS).union(*POST_KIND_FIELDS.values())


def _validate_kind_fields(post: Post) -> None:
    errors: dict[str, list[str]] = {}
    required = _("Skal udfyldes.")
    if post.kind == PostKind.MINUTES:
        if post.unit_id is None:
            errors["unit"] = [_("Et referat hører til en enhed.")]
        if post.meeting_date is None:
            errors["meeting_date"] = [required]
        if not post.meeting_name.strip():
            errors["meeting_name"] = [required]
    if post.kind == PostKind.EVENT:
        if post.starts_at is None:
            errors["starts_at"] = [required]
        elif post.ends_at is not None and post.ends_at < post.starts_at:
            errors["ends_at"] = [_("Slutter før det starter.")]
    else:
        for name in ("starts_at", "ends_at", "capacity"):
            if getattr(post, name) not in (None, ""):
                errors[name] = [_("Kun for arrangementer.")]
    if post.kind not in {PostKind.MINUTES} and post.meeting_date is not None:
        errors["meeting_date"] = [_("Kun for referater.")]
    if post.capacity is not None and post.capacity < 1:
        errors["capacity"] = [_("Mindst 1 plads.")]
    post.podcast = post.podcast.strip()
    if post.podcast and post.episode_number is None:
        errors["episode_number"] = [_("En episode har et nummer.")]
    if post.episode_number is not None and not post.podcast:
        errors["podcast"] = [_("Skriv hvilken podcast episoden hører til, fx SnakMed.")]
    elif post.podcast and (
        Post.objects.filter(podcast=post.podcast, episode_number=post.episode_number)
        .exclude(pk=post.pk)
        .exists()
    ):
        errors["episode_number"] = [_("Den episode findes allerede.")]
    if errors:
        # Which fields a kind needs or refuses: the schema has one shape for every kind.
        raise ApplicationError(
            _("Nogle felter er ikke udfyldt korrekt."), code="fields_for_kind", fields=errors
        )


def _full_clean(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise ApplicationError(
            _("Nogle felter er ikke udfyldt korrekt."),
            code="validation_error",
            fields={key: [str(m) for m in messages] for key, messages in exc.message_dict.items()},
        ) from exc


def _save_post(post: Post) -> None:
    if post.kind == PostKind.ALERT:
        post.requires_acknowledgement = True
    _validate_kind_fields(post)
    post.body_html = render_markdown(post.body)
    post.lix, post.summary_lix = readability.measure(
        title=post.title, body=post.body, summary=post.summary
    )
    _full_clean(post, exclude=["author", "audience", "unit"])
    post.save()


def _decisions_set(*, post: Post, decisions: list[DecisionSpec]) -> None:
    if post.kind != PostKind.MINUTES and decisions:
        raise ApplicationError(
            _("Kun referater har beslutninger."),
            code="fields_for_kind",
            fields={"decisions": [_("Kun for referater.")]},
        )
    rows = [
        Decision(
            post=post, position=i, text=spec.text.strip(), owner=spec.owner, deadline=spec.deadline
        )
        for i, spec in enumerate(decisions)
    ]
    for row in rows:
        if not row.text:
            raise ApplicationError(
                _("En beslutning skal have en tekst."),
                code="decision_text_blank",
                fields={"decisions": [_("En beslutning skal have en tekst.")]},
            )
    Decision.objects.filter(post=post).delete()
    Decision.objects.bulk_create(rows)


@transaction.atomic
def post_create(
    *,
    author: User,
    kind: str,
    title: str,
    audience: AudienceSpec | None = None,
    decisions: list[DecisionSpec] | None = None,
    **fields,
) -> Post:
    """Write a draft. The audience is checked against the author's scope now and at publish."""
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    _check_kind(actor=author, kind=kind)
    _check_unit(actor=author, kind=kind, unit=fields.get("unit"))
    post = Post(kind=kind, title=title.strip(), author=author, status=PostStatus.DRAFT, **fields)
    if audience is not None:
        post.audience = _audience_create(actor=author, kind=kind, spec=audience)
    _save_post(post)
    if decisions:
        _decisions_set(post=post, decisions=decisions)
    return post


@transaction.atomic
def post_update(
    *,
    actor: User,
    post: Post,
    audience: AudienceSpec | None = None,
    decisions: list[DecisionSpec] | None = None,
    **fields,
) -> Post:
    """Change a draft. Published posts are not rewritten under their readers."""
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("Ukendte felter: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.DRAFT:
        raise ConflictError(
            _("Kun kladder kan ændres. Arkivér opslaget og skriv et nyt."), code="post_not_draft"
        )
    for name, value in fields.items():
        setattr(post, name, value)
    if "title" in fields:
        post.title = post.title.strip()
    _check_kind(actor=actor, kind=post.kind)
    _check_unit(actor=actor, kind=post.kind, unit=post.unit)
    if audience is not None:
        post.audience = _audience_create(actor=actor, kind=post.kind, spec=audience)
    _save_post(post)
    if decisions is not None:
        _decisions_set(post=post, decisions=decisions)
    return post


def _publish_now(post: Post, *, now: datetime) -> None:
    post.status = PostStatus.PUBLISHED
    post.published_at = now
    post.publish_at = post.publish_at or now
    _full_clean(post, exclude=["author", "audience", "unit"])
    post.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
    # In the same transaction: the notification and its deliveries commit with the post or
    # not at all (push sends them to the broker only after the commit).
    announce.announce_post_published(post_id=post.pk)


@transaction.atomic
def post_publish(*, actor: User, post: Post, publish_at: datetime | None = None) -> Post:
    """Publish now, or schedule for `publish_at` (the beat task publishes it on time)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status not in {PostStatus.DRAFT, PostStatus.SCHEDULED}:
        raise ConflictError(_("Opslaget er allerede udgivet."), code="already_published")
    if post.audience_id is None:
        raise ApplicationError(
            _("Vælg en målgruppe før du udgiver."),
            code="audience_required",
            fields={"audience": [_("Skal udfyldes.")]},
        )
    # The actor's scope may have changed since the draft was written: check again.
    _check_kind(actor=actor, kind=post.kind)
    _check_unit(actor=actor, kind=post.kind, unit=post.unit)
    _check_audience(actor=actor, kind=post.kind, spec=audience_spec_of(post.audience))
    readability.check_publishable(post)
    now = timezone.now()
    if post.expires_at is not None and post.expires_at <= max(now, publish_at or now):
        raise ApplicationError(
            _("Udløbstiden ligger før udgivelsen."),
            code="expires_before_publish",
            fields={"expires_at": [_("Vælg en senere udløbstid.")]},
        )
    if publish_at is None or publish_at <= now:
        post.publish_at = None
        _publish_now(post, now=now)
    else:
        post.status = PostStatus.SCHEDULED
        post.publish_at = publish_at
        post.save(update_fields=["status", "publish_at", "updated_at"])
    return post


@transaction.atomic
def post_import_published(*, actor: User, post: Post, published_at: datetime) -> Post:
    """Publish a draft as published at a past time, without announcing it.

    For content brought over from an earlier intranet (and the demo): old news must not
    push-notify anyone today.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.DRAFT or post.audience_id is None:
        raise ConflictError(_("Kun kladder med målgruppe kan importeres."), code="not_importable")
    if published_at > timezone.now():
        raise ApplicationError(
            _("Udgivelsestiden ligger i fremtiden."),
            fields={"published_at": [_("Skal ligge før nu.")]},
        )
    _check_kind(actor=actor, kind=post.kind)
    _check_audience(actor=actor, kind=post.kind, spec=audience_spec_of(post.audience))
    post.status = PostStatus.PUBLISHED
    post.publish_at = post.published_at = published_at
    _full_clean(post, exclude=["author", "audience", "unit"])
    post.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
    return post


@transaction.atomic
def post_unschedule(*, post: Post) -> Post:
    """Take a scheduled post back to draft."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.SCHEDULED:
        raise ConflictError(_("Opslaget er ikke planlagt."), code="not_scheduled")
    post.status = PostStatus.DRAFT
    post.publish_at = None
    post.save(update_fields=["status", "publish_at", "updated_at"])
    return post


@transaction.atomic
def post_publish_scheduled(*, post_id: int, now: datetime | None = None) -> bool:
    """Publish one scheduled post whose time has come; False when there is nothing to do."""
    now = now or timezone.now()
    post = (
        Post.objects.select_for_update()
        .filter(pk=post_id, status=PostStatus.SCHEDULED, publish_at__lte=now)
        .first()
    )
    if post is None:
        return False  # already published, unscheduled, or not yet due: a repeat does nothing
    _publish_now(post, now=now)
    return True


def posts_publish_due(*, now: datetime | None = None) -> list[int]:
    """Publish every scheduled post that is due, each in its own transaction."""
    now = now or timezone.now()
    due = list(
        Post.objects.filter(status=PostStatus.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
    )
    return [post_id for post_id in due if post_publish_scheduled(post_id=post_id, now=now)]


@transaction.atomic
def post_archive(*, post: Post) -> Post:
    """Take a post out of every feed; receipts and reach stay.

    A draft is refused (409 draft_not_archivable): it was never in a feed, may have no
    audience yet (which an archived post must have), and archiving would stamp a publish time
    on something nobody saw. It stays among the author's drafts.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status == PostStatus.ARCHIVED:
        return post
    if post.status == PostStatus.DRAFT:
        raise ConflictError(
            _("En kladde kan ikke arkiveres: den er aldrig udgivet."), code="draft_not_archivable"
        )
    if post.published_at is None:
        post.published_at = timezone.now()
    post.status = PostStatus.ARCHIVED
    post.save(update_fields=["status", "published_at", "updated_at"])
    return post


# --- Versions in other languages --------------------------------------------------------


def _touch(post_id: int) -> None:
    # What readers see changed: a phone syncing the feed with `updated_since` must fetch it.
    Post.objects.filter(pk=post_id).update(updated_at=timezone.now())


@transaction.atomic
def post_version_save(
    *,
    actor: User,
    post: Post,
    language: str,
    title: str,
    summary: str = "",
    body: str = "",
    machine_draft: bool = False,
) -> PostVersion:
    """Write or replace the post's version in `language`; readers see it once approved.

    Any change takes a previous approval away: what readers get is what a person approved.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status == PostStatus.ARCHIVED:
        raise ConflictError(_("Opslaget er arkiveret."), code="post_archived")
    if language == post.language:
        raise ApplicationError(
            _("Det er originalens sprog: ret selve opslaget."),
            code="validation_error",
            fields={"language": [_("Vælg et andet sprog end originalens.")]},
        )
    version = PostVersion.objects.filter(post=post, language=language).first()
    if version is None:
        version = PostVersion(post=post, language=language)
    version.title = title.strip()
    version.summary = summary.strip()
    version.body = body
    version.body_html = render_markdown(body)
    version.machine_draft = machine_draft
    version.written_by = actor
    was_shown = version.approved
    version.approved, version.approved_by, version.approved_at = False, None, None
    _full_clean(version, exclude=["post", "written_by", "approved_by"])
    version.save()
    if was_shown:
        _touch(post.pk)
    return version


@transaction.atomic
def post_version_approve(*, actor: User, version: PostVersion) -> PostVersion:
    """A person has read the version: show it to readers in its language."""
    version = PostVersion.objects.select_for_update().get(pk=version.pk)
    if version.approved:
        return version
    version.approved, version.approved_by, version.approved_at = True, actor, timezone.now()
    version.save(update_fields=["approved", "approved_by", "approved_at", "updated_at"])
    _touch(version.post_id)
    return version


@transaction.atomic
def post_version_delete(*, version: PostVersion) -> None:
    if version.approved:
        _touch(version.post_id)
    version.delete()


def post_version_machine_draft(*, actor: User, post: Post, language: str) -> PostVersion:
    """A machine translation of the original as an unapproved draft, for a person to check.

    Refused (409 translation_unavailable) when no provider is configured, as shipped.
    """
    provider = translation.configured_provider()
    if provider is None:
        raise ConflictError(
            _("Maskinoversættelse er ikke slået til. Skriv eller indsæt oversættelsen selv."),
            code="translation_unavailable",
        )
    title, summary, body = provider.translate(
        texts=[post.title, post.summary, post.body], source=post.language, target=language
    )
    return post_version_save(
        actor=actor,
        post=post,
        language=language,
        title=title[:200],
        summary=summary[:500],
        body=body,
        machine_draft=True,
    )


# --- Reading ----------------------------------------------------------------------------


def post_read_record(*, post: Post, user: User, at: datetime | None = None) -> None:
    """Record that the person opened the post; the first time is kept (one INSERT)."""
    ReadReceipt.objects.bulk_create(
        [ReadReceipt(post=post, user=user, read_at=at or timezone.now())], ignore_conflicts=True
    )


@transaction.atomic
def post_acknowledge(*, post: Post, user: User) -> ReadReceipt:
    """'Læst og forstået': kept once, the first time."""
    if not post.requires_acknowledgement:
        raise ApplicationError(
            _("Dette opslag skal ikke bekræftes."), code="acknowledgement_not_required"
        )
    now = timezone.now()
    receipt, created = ReadReceipt.objects.get_or_create(
        post=post, user=user, defaults={"read_at": now, "acknowledged_at": now}
    )
    if not created and receipt.acknowledged_at is None:
        ReadReceipt.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
        receipt.refresh_from_db()
    return receipt


# --- Events -----------------------------------------------------------------------------


def _promote_waiting(*, post: Post) -> None:
    if post.capacity is None:
        free = None
    else:
        confirmed = Rsvp.objects.filter(post=post, answer=RsvpAnswer.YES, waitlisted=False).count()
        free = post.capacity - confirmed
        if free <= 0:
            return
    waiting = Rsvp.objects.filter(post=post, waitlisted=True).order_by("answered_at", "pk")
    if free is not None:
        waiting = waiting[:free]
    Rsvp.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(waitlisted=False)


@transaction.atomic
def event_rsvp(*, post: Post, user: User, answer: str) -> Rsvp:
    """Answer yes / no / maybe. A yes beyond the capacity waits in line; when a confirmed
    place is given up, the first in line gets it."""
    if post.kind != PostKind.EVENT:
        raise ApplicationError(_("Kun arrangementer har tilmelding."), code="not_an_event")
    if answer not in RsvpAnswer.values:
        raise ApplicationError(
            _("Ugyldigt svar."), fields={"answer": [_("Svar ja, nej eller måske.")]}
        )
    # The event row is the lock: two people taking the last place are served one at a time.
    post = Post.objects.select_for_update().get(pk=post.pk)
    now = timezone.now()
    if post.starts_at is not None and post.starts_at <= now:
        raise ConflictError(_("Arrangementet er begyndt."), code="event_started")
    current = Rsvp.objects.filter(post=post, user=user).first()
    if current is not None and current.answer == answer:
        return current  # the same answer again keeps the place in line
    waitlisted = False
    if answer == RsvpAnswer.YES and post.capacity is not None:
        confirmed = Rsvp.objects.filter(post=post, answer=RsvpAnswer.YES, waitlisted=False)
        waitlisted = confirmed.exclude(user=user).count() >= post.capacity
    gave_up_place = (
        current is not None and current.answer == RsvpAnswer.YES and not current.waitlisted
    )
    rsvp, _created = Rsvp.objects.update_or_create(
        post=post,
        user=user,
        defaults={"answer": answer, "waitlisted": waitlisted, "answered_at": now},
    )
    if gave_up_place:
        _promote_waiting(post=post)
    return rsvp


# --- Attachments ------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor: User, post: Post, upload: UploadedFile, language: str = "", read_aloud: bool = False
) -> Attachment:
    """Store a checked PDF, image or audio file on the post through the configured storage.

    With `language`, only readers of that language's version (or original) get it;
    `read_aloud` marks an audio file as the post read aloud.
    """
    if post.status == PostStatus.ARCHIVED:
        raise ConflictError(_("Opslaget er arkiveret."), code="post_archived")
    checked = files.check_upload(
        stream=upload,
        size=upload.size,
        max_bytes=settings.UPLOAD_MAX_BYTES,
        audio_max_bytes=settings.CONTENT_AUDIO_MAX_BYTES,
        audio_max_seconds=settings.CONTENT_AUDIO_MAX_SECONDS,
    )
    if read_aloud and checked.kind != AttachmentKind.AUDIO:
        raise ApplicationError(
            _("Kun en lydfil kan være opslaget læst op."),
            code="validation_error",
            fields={"read_aloud": [_("Kun for lydfiler.")]},
        )
    original_name = (upload.name or "fil").replace("\\", "/").rsplit("/", 1)[-1][:255] or "fil"
    attachment = Attachment(
        post=post,
        language=language,
        original_name=original_name,
        kind=checked.kind,
        content_type=checked.content_type,
        size=upload.size,
        duration_seconds=checked.duration_seconds,
        read_aloud=read_aloud,
        uploaded_by=actor,
    )
    attachment.file.save(f"upload{checked.suffix}", upload, save=False)
    stored_name = attachment.file.name
    try:
        _full_clean(attachment)
        attachment.save()
    except (ApplicationError, IntegrityError):
        attachment.file.storage.delete(stored_name)
        raise
    # An audio file makes the post listenable in the feed: phones revalidating it must see that.
    _touch(post.pk)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    if attachment.post.status != PostStatus.DRAFT:
        raise ConflictError(
            _("Vedhæftede filer kan kun fjernes fra kladder."), code="post_not_draft"
        )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Must-read reminders ----------------------------------------------------------------


@transaction.atomic
def _post_ack_reminder_send(*, post_id: int, stages: list[int], now: datetime) -> int:
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None or post.status != PostStatus.PUBLISHED:
        return 0
    done = set(
        AckReminder.objects.filter(post=post, after_hours__in=stages).values_list(
            "after_hours", flat=True
        )
    )
    due = [h for h in stages if h not in done and post.published_at + timedelta(hours=h) <= now]
    if not due:
        return 0
    user_ids = selectors.unacknowledged_user_ids(post=post)
    # Stages that fell due together (the task was down) are sent once, not once per stage.
    AckReminder.objects.bulk_create(
        [AckReminder(post=post, after_hours=h, sent_at=now, recipients=len(user_ids)) for h in due]
    )
    if user_ids:
        # Written with the AckReminder rows, so a stage is marked sent only with its reminder.
        announce.remind_unacknowledged_readers(post_id=post_id, user_ids=user_ids)
    return len(user_ids)


def post_ack_reminders_send(*, now: datetime | None = None) -> dict[int, int]:
    """Hand off reminders for must-reads whose reminder stages are due; each stage once.

    Stages are CONTENT_ACK_REMINDER_HOURS after publishing (default 24 and 72). Returns
    {post_id: people reminded} for the posts handled now.
    """
    now = now or timezone.now()
    stages = sorted(set(settings.CONTENT_ACK_REMINDER_HOURS))
    if not stages:
        return {}
    unexpired = Post.objects.filter(status=PostStatus.PUBLISHED, requires_acknowledgement=True)
    unexpired = unexpired.exclude(expires_at__lte=now)
    candidates: set[int] = set()
    for hours in stages:
        sent = AckReminder.objects.filter(post=OuterRef("pk"), after_hours=hours)
        candidates |= set(
            unexpired.filter(published_at__lte=now - timedelta(hours=hours))
            .exclude(Exists(sent))
            .values_list("pk", flat=True)
        )
    return {
        post_id: _post_ack_reminder_send(post_id=post_id, stages=stages, now=now)
        for post_id in sorted(candidates)
    }
