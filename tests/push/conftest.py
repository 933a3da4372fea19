import pytest

from push import fcm
from tests.fakes.fcm import FakeFCM

from .factories import DeviceFactory


@pytest.fixture(autouse=True)
def _log_backend_cleared():
    fcm.LogBackend.sent.clear()
    yield
    fcm.LogBackend.sent.clear()


@pytest.fixture
def device():
    """device(user, **fields) registers a device for `user`."""

    def make(user, **fields):
        return DeviceFactory(user=user, **fields)

    return make


@pytest.fixture
def fake_fcm(settings):
    """A fake FCM on loopback that the real firebase-admin SDK of this process talks to."""
    with FakeFCM(hang_seconds=5) as fake:
        settings.FCM_ENDPOINT_URL = fake.base_url
        settings.FCM_CREDENTIALS_FILE = ""
        # Short, so a hung request times out quickly; the SDK makes no retry of its own.
        settings.FCM_HTTP_TIMEOUT_SECONDS = 0.5
        fcm.reset_firebase_app()
        yield fake
        fcm.reset_firebase_app()


@pytest.fixture
def fake_gateway(settings):
    """A fake GatewayAPI on loopback, with the real adapter of this process pointed at it."""
    from tests.fakes.gatewayapi import FakeGatewayApi

    with FakeGatewayApi(hang_seconds=3) as fake:
        settings.SMS_SENDER = "org.sms.GatewayApiSmsSender"
        settings.SMS_GATEWAYAPI_URL = fake.base_url
        settings.SMS_GATEWAYAPI_TOKEN = fake.token
        settings.SMS_HTTP_TIMEOUT_SECONDS = 0.5
        yield fake


@pytest.fixture
def queue():
    """A Redis queue of this test's own for a real worker (PostgreSQL and Redis needed)."""
    from .workers import new_queue, require_redis_and_postgresql

    client = require_redis_and_postgresql()
    name = new_queue()
    yield name
    client.delete(name)
    client.close()
