"""Logging out retires the device registered under that session (allauth calls Django's logout,
which sends user_logged_out before it flushes the session)."""

from . import services


def retire_session_devices(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    services.devices_retire_for_session(session_key=getattr(session, "session_key", None))
