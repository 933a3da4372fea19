"""Every content endpoint is in the OpenAPI schema, and the feed item matches its schema."""

from drf_spectacular.generators import SchemaGenerator

from content.serializers import FeedItemSerializer

from .factories import PostFactory

PATHS = {
    "/api/v1/feed/": {"get"},
    "/api/v1/decisions/": {"get"},
    "/api/v1/posts/": {"get", "post"},
    "/api/v1/posts/{id}/": {"get", "patch"},
    "/api/v1/posts/{id}/acknowledge/": {"post"},
    "/api/v1/posts/{id}/rsvp/": {"post"},
    "/api/v1/posts/{id}/event.ics/": {"get"},
    "/api/v1/posts/{id}/publish/": {"post"},
    "/api/v1/posts/{id}/unschedule/": {"post"},
    "/api/v1/posts/{id}/archive/": {"post"},
    "/api/v1/posts/{id}/reach/": {"get"},
    "/api/v1/posts/{id}/attendees/": {"get"},
    "/api/v1/posts/{id}/attachments/": {"post"},
    "/api/v1/posts/{id}/attachments/{attachment_id}/": {"get", "delete"},
}


def test_every_content_endpoint_is_documented(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path
    upload = schema["paths"]["/api/v1/posts/{id}/attachments/"]["post"]["requestBody"]
    assert list(upload["content"]) == ["multipart/form-data"]


def test_a_feed_item_has_exactly_the_documented_fields(org, api):
    PostFactory(author=org.comms)
    [item] = api(org.employee).get("/api/v1/feed/").json()["results"]
    assert set(item) == set(FeedItemSerializer().fields)
