"""The content API: the feed, reading and acknowledging, RSVPs, writing, reach, attachments."""

import hashlib

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.errors import error_body
from api.permissions import role_permission
from api.throttling import UPLOAD_THROTTLES
from backend.errors import NotFoundError
from org.models import ReadingLanguage

from . import ranges, selectors, services
from .calendar import event_ics
from .languages import reader_languages
from .models import AttachmentKind, Decision, Post, PostKind, PostVersion
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, feed_page
from .serializers import (
    AcknowledgementSerializer,
    AttachmentSerializer,
    AttachmentUploadInput,
    AttendeeSerializer,
    DecisionListItemSerializer,
    DecisionQuery,
    DetailQuery,
    FeedPageSerializer,
    FeedQuery,
    ManageListQuery,
    PostCreateInput,
    PostDetailSerializer,
    PostListItemSerializer,
    PostUpdateInput,
    PostVersionInput,
    PostVersionSerializer,
    PublishInput,
    ReachSerializer,
    RsvpInput,
    RsvpResultSerializer,
    feed_item,
)

IsWriter = role_permission(*selectors.WRITER_ROLES)
# What content.files lets through, so a generated client reads each download as bytes.
ATTACHMENT_MEDIA_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
)


def _not_found() -> NotFoundError:
    return NotFoundError(_("Opslaget findes ikke."))


LANGUAGE_PATH = OpenApiParameter(
    "language",
    {"type": "string", "enum": list(ReadingLanguage.values)},
    OpenApiParameter.PATH,
    description="The version's language.",
)


def _languages_of(request) -> list[str]:
    return reader_languages(
        user=request.user, accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    )


# Bump when the feed's response shape changes, so no phone keeps a page of the old shape.
FEED_ETAG_VERSION = "feed-1"


def feed_etag(*, request, languages: list[str]) -> str:
    """A strong ETag for this feed request: what the person can see and has read, and who asks.

    One query of index lookups (content.selectors.feed_state); the rest is what the request
    already holds:
    the person's unit (and its place in the tree), job title, the languages posts are shown
    in, and the exact URL (filters, page, cursor, the host the `next` link is built on).
    """
    user = request.user
    state = selectors.feed_state(user=user)
    unit_path = user.unit.path if user.unit_id else ""
    parts = (
        FEED_ETAG_VERSION,
        user.pk,
        user.is_active,
        user.unit_id,
        unit_path,
        user.job_title,
        tuple(languages),
        request.build_absolute_uri(),
        state,
    )
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _etag_matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    etags = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in etags or etag in etags


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="The `ETag` of the page the app already has: nothing changed answers 304.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description=(
        "Strong validator of this page: it changes when any post is published, edited, "
        "archived or expires (not only mine: that keeps the check to one cheap query), when "
        "my read or acknowledged state changes, and when my unit, job title, roles, named "
        "audiences or reading languages change."
    ),
)


class FeedView(GenericAPIView):
    """Posts addressed to me: one query for the page, whatever its size."""

    open_before_start_date = True

    pagination_class = None

    @extend_schema(
        summary="My feed",
        description=(
            "Published, unexpired posts whose audience includes me; pinned first, then newest. "
            "Each item says whether I have read and acknowledged it; `must_read` marks "
            "unacknowledged must-reads. Each post comes in the first of my languages (profile "
            "reading language, app language, then Accept-Language) it has an approved version "
            "in, else the Danish original (`original=true`: always the original); `rtl` marks "
            "right-to-left text. Cursor paging: follow `next` until it is null. With "
            "`updated_since`, the first page's `removed` lists the ids of posts archived or "
            "expired since then, for the app to drop from its cache. Every page carries an "
            "`ETag`; sending it back in `If-None-Match` answers 304 with no body when nothing "
            "I can see or have read changed (one query instead of the page)."
        ),
        parameters=[
            FeedQuery,
            OpenApiParameter("cursor", str, description="From the previous page's `next`."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=f"Items per page (default {DEFAULT_PAGE_SIZE}, max {MAX_PAGE_SIZE}).",
            ),
            IF_NONE_MATCH,
            ETAG_HEADER,
        ],
        responses={
            200: FeedPageSerializer,
            304: OpenApiResponse(
                description="Not modified: the page the app has (its `If-None-Match`) is current."
            ),
        },
    )
    def get(self, request):
        query = FeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        languages = [] if params["original"] else _languages_of(request)
        etag = feed_etag(request=request, languages=languages)
        # The feed is the person's own and must be revalidated before every use.
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _etag_matches(request, etag):
            return Response(status=304, headers=headers)
        rows = selectors.feed(
            user=request.user,
            kind=params.get("kind"),
            unit_id=params.get("unit"),
            q=params.get("q", "").strip(),
            updated_since=params.get("updated_since"),
            languages=languages,
        )
        page, next_url = feed_page(rows=rows, request=request)
        since = params.get("updated_since")
        first_page = not request.query_params.get("cursor")
        removed = (
            selectors.feed_removed_since(user=request.user, since=since)
            if since is not None and first_page
            else []
        )
        return Response(
            {"next": next_url, "results": [feed_item(row) for row in page], "removed": removed},
            headers=headers,
        )


class PostViewSet(viewsets.GenericViewSet):
    """Reading for addressees; writing for communications, HR (pages) and leaders (own scope)."""

    open_before_start_date = frozenset({"retrieve", "acknowledge", "attachment"})

    queryset = Post.objects.none()  # every action narrows through a selector
    serializer_class = PostDetailSerializer

    def get_permissions(self):
        if self.action in {"create", "list"}:
            return [IsAuthenticated(), IsWriter()]
        return [IsAuthenticated()]

    # --- helpers --------------------------------------------------------------------------

    def _managed(self, pk, *, details: bool = True) -> Post:
        post = selectors.post_for_manager(user=self.request.user, post_id=int(pk), details=details)
        if post is None:
            raise _not_found()
        return post

    def _addressed(self, pk) -> Post:
        post = selectors.post_for_reader(user=self.request.user, post_id=int(pk))
        if post is None:
            raise _not_found()
        return post

    def _detail(self, post: Post, *, manages: bool = True) -> dict:
        """The detail answer; LIX and versions only for someone who manages the post."""
        context = {"manages": manages}
        if manages:
            context["versions"] = list(selectors.post_versions(post_id=post.pk))
        if post.kind == PostKind.EVENT:
            mine = selectors.rsvp_of(post_id=post.pk, user=self.request.user)
            context["event"] = {
                "starts_at": post.starts_at,
                "ends_at": post.ends_at,
                "place": post.place,
                "capacity": post.capacity,
                "counts": selectors.rsvp_counts(post_id=post.pk),
                "my_rsvp": mine,
                "ics_url": f"/api/v1/posts/{post.pk}/event.ics/",
            }
        return PostDetailSerializer(post, context=context).data

    # --- reading --------------------------------------------------------------------------

    @extend_schema(
        summary="Posts I manage (writers)",
        parameters=[ManageListQuery],
        responses=PostListItemSerializer(many=True),
    )
    def list(self, request):
        query = ManageListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        posts = selectors.manageable_list(user=request.user, **query.validated_data)
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(PostListItemSerializer(page, many=True).data)

    @extend_schema(
        summary="One post; opening it records that I read it",
        description=(
            "In my language when the post has an approved version in it (as in the feed), "
            "with the attachments for that language; `original=true` shows the original, "
            "`language` a chosen approved version. Reading any version counts as reading the "
            "post."
        ),
        parameters=[DetailQuery],
        responses=PostDetailSerializer,
    )
    def retrieve(self, request, pk=None):
        query = DetailQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params["original"]:
            languages = []
        elif params.get("language"):
            languages = [params["language"]]
        else:
            languages = _languages_of(request)
        post = selectors.post_for_reader(user=request.user, post_id=int(pk), languages=languages)
        if post is not None:
            now = timezone.now()
            services.post_read_record(post=post, user=request.user, at=now)
            if post.my_read_at is None:
                post.my_read_at = now
            # A writer among the readers still sees the LIX of a post it manages.
            manages = request.user.has_role(*selectors.WRITER_ROLES) and (
                selectors.posts_manageable_by(user=request.user).filter(pk=post.pk).exists()
            )
            return Response(self._detail(post, manages=manages))
        post = self._managed(pk)  # the writer's own view of a draft or scheduled post
        return Response(self._detail(post))

    @extend_schema(
        summary="Acknowledge a must-read ('læst og forstået')",
        request=None,
        responses=AcknowledgementSerializer,
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        receipt = services.post_acknowledge(post=self._addressed(pk), user=request.user)
        return Response(
            AcknowledgementSerializer(
                {
                    "post_id": receipt.post_id,
                    "read_at": receipt.read_at,
                    "acknowledged_at": receipt.acknowledged_at,
                }
            ).data
        )

    @extend_schema(
        summary="Answer an event: yes / no / maybe",
        request=RsvpInput,
        responses=RsvpResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        post = self._addressed(pk)
        data = RsvpInput(data=request.data)
        data.is_valid(raise_exception=True)
        rsvp = services.event_rsvp(
            post=post, user=request.user, answer=data.validated_data["answer"]
        )
        return Response(
            RsvpResultSerializer(
                {
                    "answer": rsvp.answer,
                    "waitlisted": rsvp.waitlisted,
                    "answered_at": rsvp.answered_at,
                    "counts": selectors.rsvp_counts(post_id=post.pk),
                }
            ).data
        )

    @extend_schema(
        summary="The event as an iCalendar file",
        responses={(200, "text/calendar"): OpenApiTypes.STR},  # text, so clients read it as text
    )
    @action(detail=True, methods=["get"], url_path="event.ics", url_name="ics")
    def ics(self, request, pk=None):
        # The same rule as the detail: an addressee, or a writer who manages the post.
        post = selectors.post_for_reader(user=request.user, post_id=int(pk))
        if post is None:
            post = self._managed(pk, details=False)
        if post.kind != PostKind.EVENT:
            raise _not_found()
        response = HttpResponse(event_ics(post=post), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="arrangement-{post.pk}.ics"'
        return response

    # --- writing --------------------------------------------------------------------------

    @extend_schema(
        summary="Write a draft (communications; HR: pages; leaders: for their own units)",
        request=PostCreateInput,
        responses={201: PostDetailSerializer},
    )
    def create(self, request):
        data = PostCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.post_create(author=request.user, **data.service_arguments())
        return Response(self._detail(self._managed(post.pk)), status=201)

    @extend_schema(
        summary="Change a draft", request=PostUpdateInput, responses=PostDetailSerializer
    )
    def partial_update(self, request, pk=None):
        post = self._managed(pk)
        data = PostUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_update(actor=request.user, post=post, **data.service_arguments())
        return Response(self._detail(self._managed(pk)))

    @extend_schema(
        summary="Publish now, or schedule for a time",
        request=PublishInput,
        responses=PostDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        post = self._managed(pk)
        data = PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_publish(
            actor=request.user, post=post, publish_at=data.validated_data.get("publish_at")
        )
        return Response(self._detail(self._managed(pk)))

    @extend_schema(
        summary="Take a scheduled post back to draft", request=None, responses=PostDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        services.post_unschedule(post=self._managed(pk, details=False))
        return Response(self._detail(self._managed(pk)))

    @extend_schema(
        summary="Archive: take the post out of every feed",
        request=None,
        responses=PostDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        services.post_archive(post=self._managed(pk, details=False))
        return Response(self._detail(self._managed(pk)))

    # --- organiser and author views -------------------------------------------------------

    @extend_schema(
        summary="Reach: audience, read and acknowledged, per unit; who has not acknowledged",
        responses=ReachSerializer,
    )
    @action(detail=True, methods=["get"])
    def reach(self, request, pk=None):
        post = selectors.post_for_reach(post_id=int(pk))
        reach = selectors.post_reach(post=post, viewer=request.user) if post else None
        if reach is None:
            raise _not_found()
        return Response(ReachSerializer(reach).data)

    @extend_schema(
        summary="Who answered the event (organiser)", responses=AttendeeSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def attendees(self, request, pk=None):
        post = self._managed(pk, details=False)
        if post.kind != PostKind.EVENT:
            raise _not_found()
        page = self.paginate_queryset(selectors.event_attendees(post=post))
        return self.get_paginated_response(AttendeeSerializer(page, many=True).data)

    # --- versions in other languages -------------------------------------------------------

    def _version(self, pk, language) -> PostVersion:
        post = self._managed(pk, details=False)
        version = selectors.post_versions(post_id=post.pk).filter(language=language).first()
        if version is None:
            raise NotFoundError(_("Opslaget har ingen udgave på det sprog."))
        return version

    @extend_schema(
        summary="Write or replace the post in another language (unapproved until approved)",
        parameters=[LANGUAGE_PATH],
        request=PostVersionInput,
        responses=PostVersionSerializer,
    )
    @action(
        detail=True,
        methods=["put"],
        url_path="versions/<language:language>",
        url_name="version",
    )
    def version(self, request, pk=None, language=None):
        post = self._managed(pk, details=False)
        data = PostVersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.post_version_save(
            actor=request.user, post=post, language=language, **data.validated_data
        )
        return Response(PostVersionSerializer(version).data)

    @extend_schema(
        summary="Remove the post's version in a language",
        parameters=[LANGUAGE_PATH],
        request=None,
        responses={204: None},
    )
    @version.mapping.delete
    def version_remove(self, request, pk=None, language=None):
        services.post_version_delete(version=self._version(pk, language))
        return Response(status=204)

    @extend_schema(
        summary="Approve the version: readers in its language get it from now on",
        parameters=[LANGUAGE_PATH],
        request=None,
        responses=PostVersionSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="versions/<language:language>/approve",
        url_name="version-approve",
    )
    def version_approve(self, request, pk=None, language=None):
        version = services.post_version_approve(
            actor=request.user, version=self._version(pk, language)
        )
        return Response(PostVersionSerializer(version).data)

    @extend_schema(
        summary="A machine-translated draft of the version (409 when none is configured)",
        parameters=[LANGUAGE_PATH],
        request=None,
        responses={201: PostVersionSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="versions/<language:language>/machine-draft",
        url_name="version-machine-draft",
    )
    def version_machine_draft(self, request, pk=None, language=None):
        post = self._managed(pk, details=False)
        version = services.post_version_machine_draft(
            actor=request.user, post=post, language=language
        )
        return Response(PostVersionSerializer(version).data, status=201)

    # --- attachments ----------------------------------------------------------------------

    @extend_schema(
        summary="Attach a PDF or an image (checked by content)",
        request={"multipart/form-data": AttachmentUploadInput},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser],
        throttle_classes=UPLOAD_THROTTLES,
    )
    def attachments(self, request, pk=None):
        post = self._managed(pk, details=False)
        data = AttachmentUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user,
            post=post,
            upload=data.validated_data["file"],
            language=data.validated_data["language"],
            read_aloud=data.validated_data["read_aloud"],
        )
        return Response(AttachmentSerializer(attachment).data, status=201)

    @extend_schema(
        summary="Download an attachment (addressees and writers)",
        description=(
            "Supports a single HTTP Range (`Range: bytes=first-last`), answered 206 with "
            "`Content-Range`, so a player can seek in a recording; a range past the end is "
            "416. Audio is served inline, other files as a download."
        ),
        responses={
            **{(200, media_type): OpenApiTypes.BINARY for media_type in ATTACHMENT_MEDIA_TYPES},
            **{(206, media_type): OpenApiTypes.BINARY for media_type in ATTACHMENT_MEDIA_TYPES},
            416: OpenApiTypes.OBJECT,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attachments/<id:attachment_id>",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_id=None):
        found = selectors.attachment_for_reader(
            user=request.user, post_id=int(pk), attachment_id=int(attachment_id)
        )
        if found is None:
            raise _not_found()
        is_audio = found.kind == AttachmentKind.AUDIO
        try:
            wanted = ranges.parse(request.headers.get("Range", ""), found.size)
        except ranges.Unsatisfiable:
            return Response(
                error_body("range_not_satisfiable", _("Udsnittet ligger uden for filen.")),
                status=416,
                headers={"Content-Range": f"bytes */{found.size}"},
            )
        if wanted is None:
            response = FileResponse(
                found.file.open("rb"),
                as_attachment=not is_audio,
                filename=found.original_name,
                content_type=found.content_type,
            )
        else:
            first, last = wanted
            response = StreamingHttpResponse(
                ranges.read_slice(found.file.open("rb"), first, last),
                status=206,
                content_type=found.content_type,
            )
            response["Content-Range"] = f"bytes {first}-{last}/{found.size}"
            response["Content-Length"] = str(last - first + 1)
        response["Accept-Ranges"] = "bytes"
        return response

    @extend_schema(summary="Remove an attachment from a draft", request=None, responses={204: None})
    @attachment.mapping.delete
    def attachment_remove(self, request, pk=None, attachment_id=None):
        post = self._managed(pk)
        found = post.attachments.filter(pk=int(attachment_id)).select_related("post").first()
        if found is None:
            raise _not_found()
        services.attachment_delete(attachment=found)
        return Response(status=204)


class DecisionListView(GenericAPIView):
    """Decisions from a unit's referater: what was decided, who does it, by when."""

    serializer_class = DecisionListItemSerializer
    queryset = Decision.objects.none()  # narrowed by selectors.decisions_for_unit

    @extend_schema(
        summary="Decisions across a unit's meetings",
        parameters=[DecisionQuery],
        responses=DecisionListItemSerializer(many=True),
    )
    def get(self, request):
        query = DecisionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        decisions = selectors.decisions_for_unit(
            user=request.user,
            unit_id=params["unit"],
            include_subtree=params["include_subtree"],
            open_only=params["open"],
        )
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionListItemSerializer(page, many=True).data)
