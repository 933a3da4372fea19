from django.urls import path

from api.routing import IdRouter

from .views import JourneyViewSet, MyJourneyView, StepViewSet, TrackViewSet

router = IdRouter()
router.register("onboarding/tracks", TrackViewSet, basename="onboarding-track")
router.register("onboarding/journeys", JourneyViewSet, basename="onboarding-journey")
router.register("onboarding/steps", StepViewSet, basename="onboarding-step")

urlpatterns = [
    path("onboarding/my-journey/", MyJourneyView.as_view(), name="onboarding-my-journey"),
    *router.urls,
]
