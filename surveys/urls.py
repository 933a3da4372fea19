from django.urls import path

from api.routing import IdRouter

from .views import IndicatorsView, OpenWavesView, ResponseCreateView, SurveyViewSet

router = IdRouter()
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = [
    path("surveys/open/", OpenWavesView.as_view(), name="survey-open"),
    path("surveys/indicators/", IndicatorsView.as_view(), name="survey-indicators"),
    path(
        "surveys/waves/<id:wave_id>/responses/",
        ResponseCreateView.as_view(),
        name="survey-wave-responses",
    ),
    *router.urls,
]
