from django.urls import path

from . import views

urlpatterns = [
    path("push/devices/", views.DeviceListView.as_view(), name="push-devices"),
    path("push/devices/<str:token>/", views.DeviceDetailView.as_view(), name="push-device"),
    path("push/preferences/", views.PreferenceView.as_view(), name="push-preferences"),
    path("push/notifications/", views.InboxView.as_view(), name="push-inbox"),
    path(
        "push/notifications/<id:notification_id>/opened/",
        views.InboxOpenedView.as_view(),
        name="push-opened",
    ),
    path("push/alerts/", views.AlertListView.as_view(), name="push-alerts"),
    path("push/alerts/<id:alert_id>/", views.AlertDetailView.as_view(), name="push-alert"),
    path("push/alerts/<id:alert_id>/answer/", views.AlertAnswerView.as_view(), name="push-answer"),
    path(
        "push/alerts/<id:alert_id>/roll-call/",
        views.AlertRollCallView.as_view(),
        name="push-roll-call",
    ),
    path("push/alerts/<id:alert_id>/people/", views.AlertPeopleView.as_view(), name="push-people"),
    path("push/sms/reports/", views.SmsReportView.as_view(), name="push-sms-report"),
]
