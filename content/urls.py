from django.urls import path, register_converter

from api.routing import IdRouter
from org.models import ReadingLanguage

from .views import DecisionListView, FeedView, PostViewSet


class ReadingLanguageConverter:
    """A reading language's code in a path; any other code does not match (404)."""

    regex = "|".join(ReadingLanguage.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(ReadingLanguageConverter, "language")

router = IdRouter()
router.register("posts", PostViewSet, basename="post")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("decisions/", DecisionListView.as_view(), name="decisions"),
    *router.urls,
]
