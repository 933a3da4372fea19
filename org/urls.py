from django.urls import path

from api.routing import IdRouter

from .views import MeExportView, MeView, PeopleViewSet, UnitViewSet

router = IdRouter()
router.register("org/units", UnitViewSet, basename="unit")
router.register("org/people", PeopleViewSet, basename="person")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", MeExportView.as_view(), name="me-export"),
    *router.urls,
]
