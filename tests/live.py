"""A live server that is safe on the test's in-memory SQLite database.

pytest-django's `live_server` hands every request thread the test's one in-memory SQLite
connection (there is no other way to see the test's data). Two requests at once then share one
connection and one transaction: SQLite answers "bad parameter or other API misuse", or one
request's rollback takes the other's writes with it. A browser makes requests at once all the
time (the staff app asks for /me/, its journey and its push settings together), so a browser
test on SQLite failed now and then, most often in the app's work-account hand-off.

Here, on an in-memory database, the server still accepts connections on threads but runs one
request at a time: the whole request, body and close included, under REQUEST_LOCK. A test that
reads the database after driving a browser takes the same lock (`idle()`), so a request the
page left in flight finishes first. On PostgreSQL every thread has its own connection and
nothing is serialised.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer

REQUEST_LOCK = threading.RLock()


def one_request_at_a_time(app):
    def application(environ, start_response):
        with REQUEST_LOCK:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()  # request_finished runs here, inside the lock

    return application


class SerialWSGIServer(ThreadedWSGIServer):
    """Threads for connections (keep-alive does not block others), one request at a time."""

    def get_app(self):
        return one_request_at_a_time(super().get_app())


def idle() -> None:
    """Wait until no request is being handled (call after closing a browser)."""
    with REQUEST_LOCK:
        pass
