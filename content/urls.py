from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import DecisionListView, FeedView, PostViewSet

router = SimpleRouter()
router.register("posts", PostViewSet, basename="post")

urlpatterns = [
    path("feed/", FeedView.as_view(), name="feed"),
    path("decisions/", DecisionListView.as_view(), name="decisions"),
    *router.urls,
]
