"""allauth headless's session-token strategy, looking the session up in one query.

The shipped strategy asks `exists()` and then loads the session: two queries on every API
request. allauth's own `sessionkit.lookup_session` loads it once and treats a missing or
expired session the same way (no session key afterwards).
"""

from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import (
    SessionTokenStrategy as AllauthSessionTokenStrategy,
)


class SessionTokenStrategy(AllauthSessionTokenStrategy):
    def lookup_session(self, session_token: str):
        return sessionkit.lookup_session(session_token)
