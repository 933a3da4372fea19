from django.urls import path

from . import link_views

urlpatterns = [path("<str:token>/", link_views.link_page, name="notification-link")]
