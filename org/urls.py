from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MeExportView, MeView, PeopleViewSet, UnitViewSet

router = SimpleRouter()
router.register("org/units", UnitViewSet, basename="unit")
router.register("org/people", PeopleViewSet, basename="person")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", MeExportView.as_view(), name="me-export"),
    *router.urls,
]
