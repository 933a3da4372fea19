"""The bare baselines: each runs the same query as the endpoint it stands beside, and nothing else.

No DRF, no session lookup, no serializer, no pagination object: the person comes from `?user=`
in one query (the endpoint pays for a session and a user lookup instead), the rows come back as
`.values()` and go out through `JsonResponse`. What the endpoint costs above its baseline is what
the framework and the app's own code add to the same database work. Only bench.urls mounts them.
"""

from django.db import connection
from django.db.models import F
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.utils import timezone

from content import selectors as content_selectors
from content.models import Attachment, Decision, ReadReceipt
from content.views import feed_etag
from org.models import Role, User

FEED_PAGE = 20
DETAIL_COLUMNS = (
    "id",
    "kind",
    "status",
    "title",
    "summary",
    "body",
    "body_html",
    "language",
    "audience_id",
    "pinned",
    "requires_acknowledgement",
    "publish_at",
    "published_at",
    "expires_at",
    "updated_at",
    "meeting_name",
    "meeting_date",
)


def _user(request) -> User:
    try:
        return User.objects.select_related("unit").get(pk=int(request.GET["user"]))
    except (KeyError, ValueError, User.DoesNotExist) as exc:
        raise Http404 from exc


def feed(request):
    """The feed selector's query for one page (one row more, as the cursor page fetches)."""
    user = _user(request)
    rows = list(content_selectors.feed(user=user)[: FEED_PAGE + 1])
    return JsonResponse({"results": rows[:FEED_PAGE]})


def feed_not_modified(request):
    """The feed's freshness check alone: the same ETag (one query), 304 when it matches.

    With no match it answers 200 with the ETag and an empty page: this side measures only
    what a quiet poll must cost, so it never builds a page.
    """
    request.user = _user(request)
    etag = feed_etag(request=request, languages=[])
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    return JsonResponse({"results": []}, headers={"ETag": etag})


def post_detail(request, post_id: int):
    """The post as its reader sees it, and the read receipt written (one INSERT)."""
    user = _user(request)
    post = (
        content_selectors.posts_for_reader(user=user)
        .filter(pk=post_id)
        .values(
            *DETAIL_COLUMNS,
            author_name=F("author__name"),
            unit_name=F("unit__name"),
            read_at=F("my_receipt__read_at"),
            acknowledged_at=F("my_receipt__acknowledged_at"),
        )
        .first()
    )
    if post is None:
        raise Http404
    ReadReceipt.objects.bulk_create(
        [ReadReceipt(post_id=post_id, user=user, read_at=timezone.now())], ignore_conflicts=True
    )
    post["attachments"] = list(
        Attachment.objects.filter(post_id=post_id)
        .order_by("id")
        .values("id", "original_name", "kind", "content_type", "size")
    )
    post["decisions"] = list(
        Decision.objects.filter(post_id=post_id)
        .order_by("position", "id")
        .values("id", "text", "owner_id", "deadline", owner_name=F("owner__name"))
    )
    return JsonResponse(post)


# Every number the results endpoint shows per question comes from these counters.
RESULTS_SQL = """
SELECT a.wave_id, a.unit_id, a.question_id,
       COUNT(*) AS n,
       SUM(a.value) AS total,
       COUNT(*) FILTER (WHERE a.value >= 4) AS ge4,
       COUNT(*) FILTER (WHERE a.value >= 9) AS ge9,
       COUNT(*) FILTER (WHERE a.value <= 6) AS le6,
       COUNT(*) FILTER (WHERE a.is_correct) AS correct
FROM surveys_answer a
JOIN surveys_wave w ON w.id = a.wave_id
WHERE w.survey_id = %s
  AND (a.value IS NOT NULL OR a.is_correct IS NOT NULL)
  {scope}
GROUP BY a.wave_id, a.unit_id, a.question_id
"""
# A leader's units: every unit whose path starts with the path of a unit it leads.
LEADER_SCOPE_SQL = """
  AND a.unit_id IN (
      SELECT u.id FROM org_orgunit u
      JOIN org_leaderscope s ON s.leader_id = %s
      JOIN org_orgunit led ON led.id = s.unit_id
      WHERE u.path LIKE led.path || '%%'
  )
"""


def results_sql(*, survey_id: int, leader_id: int | None) -> tuple[str, list]:
    """The one hand-written GROUP BY over a survey's answers, narrowed to a leader's scope."""
    if leader_id is None:
        return RESULTS_SQL.format(scope=""), [survey_id]
    return RESULTS_SQL.format(scope=LEADER_SCOPE_SQL), [survey_id, leader_id]


def survey_results(request, survey_id: int):
    """Every wave's counters per unit and question for the caller's scope, in one query."""
    user = _user(request)
    leader_id = None if user.has_role(Role.COMMUNICATIONS) else user.pk
    sql, params = results_sql(survey_id=survey_id, leader_id=leader_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"rows": rows})
