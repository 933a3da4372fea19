from django.urls import path

from api.routing import IdRouter

from .views import DecisionListView, FeedView, PostViewSet

router = IdRouter()
router.register("posts", PostViewSet, basename="post")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("decisions/", DecisionListView.as_view(), name="decisions"),
    *router.urls,
]
