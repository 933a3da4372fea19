import io

from push import demo
from push.models import Alert, AlertRecipient, Device, Notification


def test_demo_builds_through_services_and_twice_adds_nothing(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo.build_demo(stdout=io.StringIO())
    counts = (
        Device.objects.count(),
        Notification.objects.count(),
        Alert.objects.count(),
        AlertRecipient.objects.exclude(answer="").count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        demo.build_demo(stdout=io.StringIO())

    assert counts == (7, 2, 1, 1)
    assert (
        Device.objects.count(),
        Notification.objects.count(),
        Alert.objects.count(),
        AlertRecipient.objects.exclude(answer="").count(),
    ) == counts
