"""The app's URLs and, beside them under /bench/, the bare baselines it is measured against."""

from django.http import HttpResponse
from django.urls import path

from backend.urls import handler400, handler403, handler404, handler500  # noqa: F401
from backend.urls import urlpatterns as app_urlpatterns

from . import baselines


def ready(request):
    """Gunicorn is up. /health/ answers 503 with a broker until beat has been heard from, and
    the crisis stampede runs a worker but no beat."""
    return HttpResponse("ok")


urlpatterns = [
    *app_urlpatterns,
    path("bench/ready/", ready),
    path("bench/feed/", baselines.feed),
    path("bench/feed/not-modified/", baselines.feed_not_modified),
    path("bench/posts/<int:post_id>/", baselines.post_detail),
    path("bench/surveys/<int:survey_id>/results/", baselines.survey_results),
]
