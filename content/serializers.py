"""Input and output shapes of the content API. No serializer here queries per row."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    BooleanField,
    DateField,
    DateTimeField,
    FormBooleanField,
    IdField,
    IdRelatedField,
    QuerySerializer,
    StrictInputSerializer,
)
from backend.errors import ApplicationError
from org.models import RTL_LANGUAGES, Language, OrgUnit, ReadingLanguage, Role, User

from .lix import BAND_CODES, band
from .models import PostKind, PostStatus, RsvpAnswer
from .readability import readability as readability_of
from .services import AudienceSpec, DecisionSpec

# --- Input ------------------------------------------------------------------------------


class AudienceUnitInput(StrictInputSerializer):
    id = IdRelatedField(queryset=OrgUnit.objects.all())
    include_subtree = BooleanField(default=True)


class AudienceInput(StrictInputSerializer):
    """Who the post is for. A person is in it when any rule matches."""

    everyone = BooleanField(default=False)
    units = AudienceUnitInput(many=True, required=False, max_length=200)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, max_length=10
    )
    job_titles = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=100
    )
    people = IdRelatedField(queryset=User.objects.filter(is_active=True), many=True, required=False)

    def validate(self, attrs):
        if not (
            attrs.get("everyone")
            or attrs.get("units")
            or attrs.get("roles")
            or attrs.get("job_titles")
            or attrs.get("people")
        ):
            # At least one of five optional fields: its own code, not the schema's to state.
            message = _("Vælg mindst én enhed, rolle, stilling eller person.")
            raise ApplicationError(
                message, code="audience_empty", fields={self.field_name or "audience": [message]}
            )
        return attrs

    def to_spec(self, attrs) -> AudienceSpec:
        return AudienceSpec(
            everyone=attrs.get("everyone", False),
            units=[(row["id"], row["include_subtree"]) for row in attrs.get("units", [])],
            roles=list(attrs.get("roles", [])),
            job_titles=list(attrs.get("job_titles", [])),
            people=list(attrs.get("people", [])),
        )


class DecisionInput(StrictInputSerializer):
    text = serializers.CharField(max_length=2000)
    owner = IdRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    deadline = DateField(near=True, required=False, allow_null=True)


class _PostFieldsInput(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=500)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    audience = AudienceInput(required=False)
    unit = IdRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    pinned = BooleanField(required=False)
    requires_acknowledgement = BooleanField(required=False)
    expires_at = DateTimeField(near=True, required=False, allow_null=True)
    meeting_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    meeting_date = DateField(near=True, required=False, allow_null=True)
    decisions = DecisionInput(many=True, required=False, max_length=200)
    starts_at = DateTimeField(near=True, required=False, allow_null=True)
    ends_at = DateTimeField(near=True, required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100_000
    )
    podcast = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Fx SnakMed.")
    )
    episode_number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=32_767
    )

    def service_arguments(self) -> dict:
        """The validated data as the services take it: specs for audience and decisions."""
        data = dict(self.validated_data)
        if "audience" in data:
            data["audience"] = AudienceInput().to_spec(data["audience"])
        if "decisions" in data:
            data["decisions"] = [DecisionSpec(**row) for row in data["decisions"]]
        return data


class PostCreateInput(_PostFieldsInput):
    kind = serializers.ChoiceField(choices=PostKind.choices)


class PostUpdateInput(_PostFieldsInput):
    title = serializers.CharField(max_length=200, required=False)


class PublishInput(StrictInputSerializer):
    publish_at = DateTimeField(
        near=True,
        required=False,
        allow_null=True,
        help_text=_("Tom eller i fortiden: udgiv nu. I fremtiden: planlæg."),
    )


class RsvpInput(StrictInputSerializer):
    answer = serializers.ChoiceField(choices=RsvpAnswer.choices)


class FeedQuery(QuerySerializer):
    original = BooleanField(
        required=False,
        default=False,
        help_text=_("Vis originalerne, ikke sprogudgaver i mit sprog."),
    )
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)
    unit = IdField(required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    updated_since = DateTimeField(required=False)


class ManageListQuery(QuerySerializer):
    status = serializers.ChoiceField(choices=PostStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)


class DecisionQuery(QuerySerializer):
    unit = IdField()
    include_subtree = BooleanField(required=False, default=False)
    open = BooleanField(required=False, default=False)


class AttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, PNG, JPEG, GIF, WebP eller lyd (MP3, M4A, Ogg Opus).")
    )
    read_aloud = FormBooleanField(
        required=False, default=False, help_text=_("Lydfilen er opslaget læst op.")
    )
    language = serializers.ChoiceField(
        choices=ReadingLanguage.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Kun til denne sprogudgave (eller originalen); tom: til alle sprog."),
    )


# --- Output -----------------------------------------------------------------------------


class FeedItemSerializer(serializers.Serializer):
    """One feed item. Built from value rows by `feed_item`; this class documents the shape."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PostKind.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    language = serializers.ChoiceField(
        choices=ReadingLanguage.choices, help_text=_("Sproget titel og tekst vises i.")
    )
    original_language = serializers.ChoiceField(choices=Language.choices)
    translated = BooleanField(
        help_text=_("Vist i en godkendt sprogudgave; ?original=true viser originalen.")
    )
    rtl = BooleanField(help_text=_("Skrives fra højre mod venstre (fx arabisk)."))
    pinned = BooleanField()
    requires_acknowledgement = BooleanField()
    published_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(allow_null=True)
    author_name = serializers.CharField(allow_null=True)
    meeting_name = serializers.CharField()
    meeting_date = serializers.DateField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    podcast = serializers.CharField(help_text=_("Podcastens navn (fx SnakMed); tom: ingen."))
    episode_number = serializers.IntegerField(allow_null=True)
    listenable = BooleanField(
        help_text=_("Har en lydfil: en podcast-episode eller opslaget læst op.")
    )
    read_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    is_read = BooleanField()
    is_acknowledged = BooleanField()
    must_read = BooleanField(
        help_text=_("Kræver 'læst og forstået' og er ikke bekræftet endnu: vis det øverst.")
    )


def feed_item(row: dict) -> dict:
    """A feed value row plus the flags derived from it (no query)."""
    row["title"] = row.pop("shown_title")
    row["summary"] = row.pop("shown_summary")
    row["language"] = row.pop("shown_language")
    row["translated"] = row["language"] != row["original_language"]
    row["rtl"] = row["language"] in RTL_LANGUAGES
    row["is_read"] = row["read_at"] is not None
    row["is_acknowledged"] = row["acknowledged_at"] is not None
    row["must_read"] = row["requires_acknowledgement"] and not row["is_acknowledged"]
    return row


class FeedPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = FeedItemSerializer(many=True)
    removed = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_(
            "Med updated_since (første side): id'er på opslag, der siden da er arkiveret eller "
            "udløbet, så appen kan fjerne dem. Ellers tom."
        ),
    )


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    language = serializers.CharField(help_text=_("Tom: til alle sprog."))
    duration_seconds = serializers.IntegerField(
        allow_null=True, help_text=_("Lyd: længden, læst af selve filen.")
    )
    read_aloud = BooleanField(help_text=_("Lyd: opslaget læst op."))
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        # A model row (upload answer) or a value row (post detail).
        if isinstance(attachment, dict):
            post_id, attachment_id = attachment["post_id"], attachment["id"]
        else:
            post_id, attachment_id = attachment.post_id, attachment.pk
        return f"/api/v1/posts/{post_id}/attachments/{attachment_id}/"


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = RefSerializer(allow_null=True)
    deadline = serializers.DateField(allow_null=True)


class RsvpCountsSerializer(serializers.Serializer):
    yes = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    maybe = serializers.IntegerField()
    no = serializers.IntegerField()


class MyRsvpSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=RsvpAnswer.choices)
    waitlisted = BooleanField()
    answered_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    counts = RsvpCountsSerializer()
    my_rsvp = MyRsvpSerializer(allow_null=True)
    ics_url = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()


class ReadabilitySerializer(serializers.Serializer):
    """LIX while writing (content.readability): for the post's writers, never its readers."""

    lix = serializers.IntegerField(
        allow_null=True, help_text=_("LIX for titel og tekst; tom uden ord.")
    )
    band = serializers.ChoiceField(choices=BAND_CODES, allow_null=True)
    band_label = serializers.CharField(
        allow_null=True, help_text=_("Båndet i ord, fx 'let' eller 'svær'.")
    )
    summary_lix = serializers.IntegerField(allow_null=True, help_text=_("LIX for kort fortalt."))
    summary_band = serializers.ChoiceField(choices=BAND_CODES, allow_null=True)
    summary_band_label = serializers.CharField(allow_null=True)
    target = serializers.IntegerField(help_text=_("Målgruppens LIX-mål."))
    needs_plain_summary = BooleanField(
        help_text=_(
            "Et opslag der skal bekræftes, har LIX over målet og intet kort fortalt inden for "
            "målet: det kan ikke udgives sådan."
        )
    )


class PostVersionSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=ReadingLanguage.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    rtl = serializers.SerializerMethodField()
    machine_draft = BooleanField()
    approved = BooleanField()
    approved_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(BooleanField())
    def get_rtl(self, version) -> bool:
        return version.language in RTL_LANGUAGES


class PostVersionInput(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=500)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)


class DetailQuery(QuerySerializer):
    original = BooleanField(
        required=False, default=False, help_text=_("Vis originalen, ikke en sprogudgave.")
    )
    language = serializers.ChoiceField(
        choices=ReadingLanguage.choices,
        required=False,
        help_text=_("Vis denne godkendte sprogudgave, hvis den findes."),
    )


class PostDetailSerializer(serializers.Serializer):
    """A post with its body as sanitised HTML, attachments and kind-specific parts.

    Built from a post as content.selectors._with_details leaves it (names of author and unit,
    attachment and decision rows), plus the context the view adds: `event` (counts and my
    answer) for events.
    """

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PostKind.choices)
    status = serializers.ChoiceField(choices=PostStatus.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField(help_text=_("Teksten som skrevet (Markdown)."))
    body_html = serializers.CharField(help_text=_("Teksten som renset HTML, klar til visning."))
    language = serializers.ChoiceField(
        choices=ReadingLanguage.choices, help_text=_("Sproget titel og tekst vises i.")
    )
    original_language = serializers.ChoiceField(choices=Language.choices)
    translated = serializers.SerializerMethodField()
    rtl = serializers.SerializerMethodField()
    available_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=ReadingLanguage.choices),
        help_text=_("Originalens sprog og de godkendte sprogudgaver; ?language= vælger én."),
    )
    author = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    audience_id = serializers.IntegerField(allow_null=True)
    pinned = BooleanField()
    requires_acknowledgement = BooleanField()
    publish_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, source="attachment_rows")
    meeting = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, source="decision_rows")
    podcast = serializers.CharField()
    episode_number = serializers.IntegerField(allow_null=True)
    event = serializers.SerializerMethodField()
    read_at = serializers.SerializerMethodField()
    acknowledged_at = serializers.SerializerMethodField()
    readability = ReadabilitySerializer(
        required=False,
        help_text=_("Kun for dem der skriver og administrerer opslaget; aldrig for læsere."),
    )

    versions = PostVersionSerializer(
        many=True,
        required=False,
        source="manager_versions",  # never Post.versions: readers must not get them
        help_text=_("Alle sprogudgaver, også ikke godkendte: kun for dem der administrerer."),
    )

    def to_representation(self, post):
        data = super().to_representation(post)
        if self.context.get("manages"):
            data["readability"] = readability_of(post)
            data["versions"] = PostVersionSerializer(self.context["versions"], many=True).data
        return data

    @extend_schema_field(BooleanField())
    def get_translated(self, post) -> bool:
        return post.language != post.original_language

    @extend_schema_field(BooleanField())
    def get_rtl(self, post) -> bool:
        return post.language in RTL_LANGUAGES

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_author(self, post):
        return {"id": post.author_id, "name": post.author_name} if post.author_id else None

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_unit(self, post):
        return {"id": post.unit_id, "name": post.unit_name} if post.unit_id else None

    @extend_schema_field(MeetingSerializer(allow_null=True))
    def get_meeting(self, post):
        if post.kind != PostKind.MINUTES:
            return None
        return {"name": post.meeting_name, "date": post.meeting_date.isoformat()}

    @extend_schema_field(EventSerializer(allow_null=True))
    def get_event(self, post):
        if post.kind != PostKind.EVENT:
            return None
        return EventSerializer(self.context["event"]).data

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_read_at(self, post):
        value = getattr(post, "my_read_at", None)
        return serializers.DateTimeField().to_representation(value) if value else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_acknowledged_at(self, post):
        value = getattr(post, "my_acknowledged_at", None)
        return serializers.DateTimeField().to_representation(value) if value else None


class PostListItemSerializer(serializers.Serializer):
    """A post in the writer's own list."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PostKind.choices)
    status = serializers.ChoiceField(choices=PostStatus.choices)
    title = serializers.CharField()
    author = RefSerializer(allow_null=True)
    unit = RefSerializer(allow_null=True)
    requires_acknowledgement = BooleanField()
    publish_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    lix = serializers.IntegerField(allow_null=True)
    lix_band = serializers.SerializerMethodField()
    summary_lix = serializers.IntegerField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=BAND_CODES, allow_null=True))
    def get_lix_band(self, post):
        found = band(post.lix)
        return found[0] if found else None


class AcknowledgementSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    read_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField()


class RsvpResultSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=RsvpAnswer.choices)
    waitlisted = BooleanField()
    answered_at = serializers.DateTimeField()
    counts = RsvpCountsSerializer()


class AttendeeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.name")
    unit_name = serializers.CharField(source="user.unit.name", allow_null=True, default=None)
    answer = serializers.ChoiceField(choices=RsvpAnswer.choices)
    waitlisted = BooleanField()
    answered_at = serializers.DateTimeField()


class _ChannelReach(serializers.Serializer):
    """Per channel (the notifications app): who was notified how, and what really arrived."""

    notified_push = serializers.IntegerField(help_text=_("Fik en push-besked om opslaget."))
    notified_sms = serializers.IntegerField(help_text=_("Fik en SMS om opslaget."))
    notified_email = serializers.IntegerField(help_text=_("Fik en e-mail om opslaget."))
    delivered = serializers.IntegerField(
        help_text=_(
            "Mindst én besked nåede frem: push og e-mail modtaget af FCM eller mailserveren, "
            "SMS meldt leveret af SMS-gatewayen."
        )
    )
    opened = serializers.IntegerField(help_text=_("Åbnede beskeden i appens indbakke."))


class ReachUnitSerializer(_ChannelReach):
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    audience = serializers.IntegerField()
    read = serializers.IntegerField()
    acknowledged = serializers.IntegerField()


class ReachPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    has_read = BooleanField()


class ReachSerializer(_ChannelReach):
    post_id = serializers.IntegerField()
    audience = serializers.IntegerField(help_text=_("Aktive personer i målgruppen."))
    read = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    per_unit = ReachUnitSerializer(many=True)
    not_acknowledged = ReachPersonSerializer(
        many=True, help_text=_("Kun for opslag der kræver 'læst og forstået'.")
    )


class DecisionListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = RefSerializer(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    post_id = serializers.IntegerField()
    meeting_name = serializers.CharField(source="post.meeting_name")
    meeting_date = serializers.DateField(source="post.meeting_date")
    unit = RefSerializer(source="post.unit")
