"""A real OpenID Connect provider for the SSO tests: django-oauth-toolkit, on loopback.

`serve.py` runs it as its own process (its own SQLite database and a fresh RSA key);
`fixtures.py` starts it for a test session; `client.py` plays a person's browser or a native
app against it.
"""
