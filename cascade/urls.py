from django.urls import path

from .views import CascadeListView, DelegateView, MyTasksView, PassOnView, ProgressView, TellView

urlpatterns = [
    path("cascades/", CascadeListView.as_view(), name="cascade-list"),
    path("cascades/<id:pk>/progress/", ProgressView.as_view(), name="cascade-progress"),
    path("cascades/tasks/", MyTasksView.as_view(), name="cascade-task-list"),
    path("cascades/tasks/<id:pk>/pass-on/", PassOnView.as_view(), name="cascade-task-pass-on"),
    path("cascades/tasks/<id:pk>/meeting/", TellView.as_view(), name="cascade-task-meeting"),
    path("cascades/tasks/<id:pk>/delegate/", DelegateView.as_view(), name="cascade-task-delegate"),
]
