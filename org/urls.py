from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MeView, PeopleViewSet, UnitViewSet

router = SimpleRouter()
router.register("org/units", UnitViewSet, basename="unit")
router.register("org/people", PeopleViewSet, basename="person")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
