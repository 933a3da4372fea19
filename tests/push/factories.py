import factory

from push import services
from push.models import Device


class DeviceFactory(factory.django.DjangoModelFactory):
    """Devices are registered through push.services.device_register."""

    class Meta:
        model = Device

    user = None
    identifier = factory.Sequence(lambda n: f"fcm-token-{n:06d}")
    platform = Device.Platform.ANDROID
    kind = Device.Kind.TOKEN
    app_version = "1.0.0"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.device_register(**kwargs)
