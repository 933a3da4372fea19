from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import IndicatorsView, OpenWavesView, ResponseCreateView, SurveyViewSet

router = SimpleRouter()
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = [
    path("surveys/open/", OpenWavesView.as_view(), name="survey-open"),
    path("surveys/indicators/", IndicatorsView.as_view(), name="survey-indicators"),
    path(
        "surveys/waves/<int:wave_id>/responses/",
        ResponseCreateView.as_view(),
        name="survey-wave-responses",
    ),
    *router.urls,
]
