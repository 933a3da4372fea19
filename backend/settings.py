"""Bro settings: every value comes from the environment, typed, in this one module.

The defaults give the embedded mode (SQLite, Celery tasks in-process, mail and SMS to the log,
push to the log). Setting BRO_PRODUCTION=true demands a secret key, allowed hosts and a real
database, and turns on the HTTPS hardening that `manage.py check --deploy` asks for.
"""

from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("BRO_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # No defaults in production: a missing value stops the boot instead of running insecurely
    # (what production refuses besides: "Production: what it refuses", at the end).
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="insecure-development-key-only-for-the-embedded-mode"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with a staff-only login whose failures allauth's rate limits count.
    "org.admin_config.BroAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.usersessions",
    # Single sign-on with work accounts (OpenID Connect); see the SSO block below.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "org",
    "push",
    "content",
    "onboarding",
    "surveys",
    "cascade",
    "dialogue",
    "followup",
    "dashboard",
    "hrsync",
    "pwa",
    "api",
]

MIDDLEWARE = [
    "api.middleware.ClientIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.JsonNestingLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: a new PostgreSQL connection per request cost 46-75 % of throughput
# on this project's 2-core benchmark machine. Health checks drop connections the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Lets two test runs share one PostgreSQL server without fighting over "test_<name>".
if _test_database_name := env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": _test_database_name}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default (./bro run): requests and the periodic jobs' thread write at once
    # (the first tick invites everyone to the demo's pulse). A transaction that read first and
    # then writes cannot wait for another writer and fails with "database is locked"; begun
    # IMMEDIATE it queues for the write lock, up to `timeout` seconds, as Django advises.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRESQL:
    # No JIT: its estimate-driven compiling cost 137 ms on a 480 ms reach query over 7,000
    # people (bench, 2026-11-28) and never pays back on short, indexed queries like ours.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

# --- Cache (rate limits live here: production needs a shared one) ------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bro",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and login ----------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "org.backends.ModelBackend",
    "org.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = env.list(
    "DJANGO_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ],
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# An app session token is the Django session key; its lifetime is the session's.
SESSION_COOKIE_AGE = env.int("SESSION_LIFETIME_SECONDS", default=60 * 60 * 24 * 30)

ACCOUNT_ADAPTER = "org.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
# A code request for an unknown address gets the same answer as a known one (no enumeration),
# but no mail: anyone could otherwise make Bro mail arbitrary addresses.
# True so an unknown address takes the same path as a known one: allauth asks the adapter to
# mail it, the adapter queues the same task (which sends nothing to an unknown address), so
# the request's timing tells the two apart less. There is no sign-up: the "signup" frontend
# URL allauth wants for that mail is only ever rendered into a mail that is never sent.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, kept on: code requests are per IP and per address.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    # The Django admin's password login (org.admin_site): failed attempts per address and per
    # account; while either is spent the login answers 429, a correct password included.
    "admin_login_failed": "20/15m/ip,5/15m/key",
}
HEADLESS_ONLY = True
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "api.tokens.SessionTokenStrategy"
HEADLESS_FRONTEND_URLS = {"account_signup": "/"}
# The login API's own OpenAPI specification at /_allauth/openapi.{json,yaml}, linked from
# /api/docs/. No HTML page: allauth's loads its viewer from a CDN, which our CSP and the
# offline docs rule out.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
# One client-IP rule for the whole app: api.middleware.ClientIPMiddleware rewrites REMOTE_ADDR
# from X-Forwarded-For using TRUSTED_PROXY_COUNT, so allauth and DRF read REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = 0
USERSESSIONS_TRACK_ACTIVITY = False

# --- Single sign-on with work accounts (OpenID Connect) -------------------------------------
# allauth's socialaccount with its openid_connect provider, configured from the environment;
# org.oidc adds the nonce, a bounded clock skew, signature checks on every ID token and
# replay refusal; org.social_adapter matches a login to an existing person (never creates
# one). Off while SSO_OIDC_ISSUER is empty. README → "Single sign-on" has the Entra ID steps.
SSO_OIDC_ISSUER = env.str("SSO_OIDC_ISSUER", default="")
SSO_PROVIDER_ID = env.str("SSO_PROVIDER_ID", default="arbejdskonto")
SSO_DISPLAY_NAME = env.str("SSO_DISPLAY_NAME", default="Log ind med arbejdskonto")
# Which Bro field a login is matched on: email (the e-mail claim), upn (the user principal
# name, matched against the e-mail address) or employee_number; SSO_MATCH_CLAIM_NAME names
# the claim when the provider calls it something else (e.g. Entra's "employeeid").
SSO_MATCH = env.str("SSO_MATCH", default="email")
SSO_MATCH_CLAIM_NAME = env.str("SSO_MATCH_CLAIM_NAME", default="")
if SSO_MATCH not in {"email", "upn", "employee_number"}:
    raise ImproperlyConfigured("SSO_MATCH must be email, upn or employee_number.")
# Optional, off by default: roles from a group claim ("<group id>=<role>,..."); the mapped
# roles are set on every SSO login, roles not named in the mapping are left as Bro has them.
SSO_GROUP_CLAIM = env.str("SSO_GROUP_CLAIM", default="groups")
SSO_GROUP_ROLES = env.dict("SSO_GROUP_ROLES", default={})
if set(SSO_GROUP_ROLES.values()) - {"employee", "leader", "hr", "communications", "admin"}:
    raise ImproperlyConfigured("SSO_GROUP_ROLES maps groups to unknown roles.")
# Seconds an ID token's exp/iat/nbf may be off from our clock; tokens outside are refused.
SSO_CLOCK_SKEW_SECONDS = env.int("SSO_CLOCK_SKEW_SECONDS", default=60)
if not 0 <= SSO_CLOCK_SKEW_SECONDS <= 300:
    raise ImproperlyConfigured("SSO_CLOCK_SKEW_SECONDS must be between 0 and 300.")
# The admin's password login: only a break-glass superuser once SSO is on; off in production
# unless turned on here.
ADMIN_PASSWORD_LOGIN = (
    env.bool("ADMIN_PASSWORD_LOGIN")
    if env.str("ADMIN_PASSWORD_LOGIN", default="")  # empty means the default, as elsewhere
    else not PRODUCTION
)

SOCIALACCOUNT_ADAPTER = "org.social_adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
_sso_apps = []
if SSO_OIDC_ISSUER:
    _sso_settings = {
        "server_url": SSO_OIDC_ISSUER,
        "oauth_pkce_enabled": True,
        "scope": env.list("SSO_SCOPES", default=["openid", "profile", "email"]),
    }
    _sso_apps.append(
        {
            "provider_id": SSO_PROVIDER_ID,
            "name": SSO_DISPLAY_NAME,
            "client_id": env.str("SSO_OIDC_CLIENT_ID"),
            "secret": env.str("SSO_OIDC_CLIENT_SECRET"),
            "settings": _sso_settings,
        }
    )
    # A native app registered as its own (public) client: its ID tokens carry its client id.
    if _app_client_id := env.str("SSO_OIDC_APP_CLIENT_ID", default=""):
        _sso_apps.append(
            {
                "provider_id": SSO_PROVIDER_ID,
                "name": SSO_DISPLAY_NAME,
                "client_id": _app_client_id,
                "secret": "",
                "settings": {**_sso_settings, "hidden": True},
            }
        )
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "org.oidc.OpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": _sso_apps,
    }
}

# --- SMS: see the "Notifications: channels" block below ---------------------------------

# --- E-mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bro <bro@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Production sends real mail (login codes for people without a phone): SMTP is required there.
_smtp_host = env.str("SMTP_HOST") if PRODUCTION else env.str("SMTP_HOST", default="")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env.int("SMTP_PORT", default=587),
                "username": env.str("SMTP_USER", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": env.bool("SMTP_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {
        "BACKEND": env.str("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Request limits -----------------------------------------------------------------------
# JSON bodies are small; uploads get their own, larger limit (see api.middleware).
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_JSON_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2.5 * 1024 * 1024

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SessionTokenAuthentication",
        # A link sent by SMS or e-mail, opened in the app: one object's routes only.
        "pwa.authentication.LinkTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        # Per route (api.throttling): survey responses and attachment uploads, per person and
        # per client address (a workplace behind one NAT shares an address: higher).
        "submit": env.str("THROTTLE_SUBMIT", default="30/hour"),
        # Per address it must allow a whole workplace behind one NAT answering the same wave.
        "submit_ip": env.str("THROTTLE_SUBMIT_IP", default="6000/hour"),
        "upload": env.str("THROTTLE_UPLOAD", default="60/hour"),
        "upload_ip": env.str("THROTTLE_UPLOAD_IP", default="300/hour"),
        # Comments and reports on posts (dialogue), per person: a conversation, not a flood.
        "comment": env.str("THROTTLE_COMMENT", default="30/hour"),
        # Questions to HR, leaders and communications, per person: each one lands in a queue
        # that a person works through by hand.
        "question": env.str("THROTTLE_QUESTION", default="10/hour"),
    },
    # Client address = REMOTE_ADDR, which api.middleware.ClientIPMiddleware has set from
    # X-Forwarded-For per TRUSTED_PROXY_COUNT. DRF's default (None) would key anonymous limits
    # on the raw X-Forwarded-For the client wrote, so a forged header dodged them.
    "NUM_PROXIES": 0,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bro API",
    "DESCRIPTION": (
        "Employee app backend: organisation, content, push, onboarding, surveys.\n\n"
        "**Logging in** (getting the `X-Session-Token` every call here needs) is "
        "django-allauth's headless API for app clients, documented in its own OpenAPI "
        "specification: [/_allauth/openapi.json](/_allauth/openapi.json) "
        "([YAML](/_allauth/openapi.yaml)). In short: `POST /_allauth/app/v1/auth/code/request` "
        "with an e-mail or phone, then `POST /_allauth/app/v1/auth/code/confirm` with the code "
        "and the pending token; use the session token from that answer."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
        }
    },
    "SECURITY": [{"sessionToken": []}],
    # Ids in paths (api.routing's <id:…>): 1 … 2^63 − 1, like api.serializers.IdField.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    },
    # Several models have a "kind", "status" or "answer" choice: give each enum a stable name.
    "ENUM_NAME_OVERRIDES": {
        # api.serializers.BooleanField(true_only=True): confirmations that only true answers.
        "TrueEnum": [(True, True)],
        "UnitKindEnum": "org.models.OrgUnit.Kind",
        "PostKindEnum": "content.models.PostKind",
        "LanguageEnum": "org.models.Language",
        "ReadingLanguageEnum": "org.models.ReadingLanguage",
        "LixBandEnum": "content.lix.BAND_CODES",
        "PostStatusEnum": "content.models.PostStatus",
        "AttachmentKindEnum": "content.models.AttachmentKind",
        "CascadeQuestionKindEnum": "cascade.models.Question.Kind",
        "RsvpAnswerEnum": "content.models.RsvpAnswer",
        "TrackKindEnum": "onboarding.models.TrackKind",
        "StepKindEnum": "onboarding.models.StepKind",
        "JourneyStatusEnum": "onboarding.models.JourneyStatus",
        "StepStatusEnum": "onboarding.models.StepStatus",
        "DeviceIdentifierKindEnum": "push.models.Device.Kind",
        "AlertAnswerEnum": "push.models.AlertRecipient.Answer",
        "DeliveryStatusEnum": "push.models.Delivery.Status",
        "QuestionKindEnum": "surveys.models.QuestionKind",
        "WaveStatusEnum": "surveys.models.Wave.Status",
        "ReactionKindEnum": "dialogue.models.ReactionKind",
        "ActionStatusEnum": "followup.models.ActionStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any retry countdown, so a task held by a worker is not handed out twice.
    "visibility_timeout": 2 * 60 * 60,
}
CELERY_BEAT_SCHEDULER = "backend.heartbeat.Scheduler"
# Periodic work. Each task is idempotent and checks state first, so beat firing twice is safe.
CELERY_BEAT_SCHEDULE = {
    "content-publish-due-posts": {"task": "content.tasks.publish_due_posts", "schedule": 30.0},
    "content-remind-unacknowledged": {
        "task": "content.tasks.remind_unacknowledged",
        "schedule": 15 * 60.0,
    },
    "push-reconcile-deliveries": {"task": "push.tasks.reconcile_deliveries", "schedule": 60.0},
    "push-release-held": {"task": "push.tasks.release_held_notifications", "schedule": 60.0},
    "push-escalate-alerts": {"task": "push.tasks.escalate_alerts", "schedule": 60.0},
    "push-warn-sms-budget": {"task": "push.tasks.warn_sms_budget", "schedule": 3600.0},
    # A worker's heartbeat for /health/ (beat writes its own from backend.heartbeat.Scheduler).
    "heartbeat": {"task": "backend.heartbeat.beat", "schedule": 60.0},
    "surveys-open-close-waves": {"task": "surveys.tasks.open_and_close_waves", "schedule": 300.0},
    "surveys-send-reminders": {"task": "surveys.tasks.send_reminders", "schedule": 3600.0},
    "onboarding-send-step-reminders": {
        "task": "onboarding.tasks.send_step_reminders",
        "schedule": 5 * 60.0,
    },
    "cascade-send-reminders": {"task": "cascade.tasks.send_reminders", "schedule": 15 * 60.0},
    "org-offboard-ended-people": {"task": "org.tasks.offboard_ended_people", "schedule": 3600.0},
    "org-enforce-retention": {"task": "org.tasks.enforce_retention", "schedule": 24 * 3600.0},
}

# --- Content: files and translation ---------------------------------------------------------
# Dotted path of a machine-translation provider class (content.translation) for drafts of
# post versions a person then approves. Empty (as shipped): none, nothing leaves Bro.
CONTENT_TRANSLATION_PROVIDER = env.str("CONTENT_TRANSLATION_PROVIDER", default="")
# Audio attachments (MP3, M4A/AAC, Ogg Opus): largest file and longest recording. A 45-minute
# SnakMed episode at 48 kbit/s mono is about 16 MB; no upload passes UPLOAD_MAX_BYTES anyway.
CONTENT_AUDIO_MAX_BYTES = env.int("CONTENT_AUDIO_MAX_BYTES", default=20 * 1024 * 1024)
CONTENT_AUDIO_MAX_SECONDS = env.int("CONTENT_AUDIO_MAX_SECONDS", default=2 * 3600)

# --- Push ---------------------------------------------------------------------------------
# With no credentials file, push goes to the log backend (the embedded default).
FCM_CREDENTIALS_FILE = env.str("FCM_CREDENTIALS_FILE", default="")
FCM_PROJECT_ID = env.str("FCM_PROJECT_ID", default="")
FCM_HTTP_TIMEOUT_SECONDS = env.float("FCM_HTTP_TIMEOUT_SECONDS", default=10.0)
# An FCM-compatible base URL instead of Google's (the test fake on loopback); empty = Google.
FCM_ENDPOINT_URL = env.str("FCM_ENDPOINT_URL", default="")
# Web push for the staff app (/app/): the Firebase web app's public configuration, handed to the
# app by GET /api/v1/app/push-config/. All of it is public (it ships in every web client); web
# push is off until the API key, app id, sender id and VAPID key are all set.
FCM_WEB_API_KEY = env.str("FCM_WEB_API_KEY", default="")
FCM_WEB_APP_ID = env.str("FCM_WEB_APP_ID", default="")
FCM_WEB_MESSAGING_SENDER_ID = env.str("FCM_WEB_MESSAGING_SENDER_ID", default="")
FCM_WEB_VAPID_KEY = env.str("FCM_WEB_VAPID_KEY", default="")
# Retries of throttled (429) and unavailable (500/503, timeouts) sends: exponential backoff from
# the base, capped, with jitter, never sooner than Retry-After; failed after the last attempt.
PUSH_RETRY_BASE_SECONDS = env.float("PUSH_RETRY_BASE_SECONDS", default=10.0)
PUSH_RETRY_MAX_SECONDS = env.float("PUSH_RETRY_MAX_SECONDS", default=30 * 60.0)
PUSH_MAX_ATTEMPTS = env.int("PUSH_MAX_ATTEMPTS", default=8)
# Deliveries a chunk task claims per UPDATE; the whole chunk (500) by default, so no claim holds
# up the writing of outcomes while messages are on the wire.
PUSH_SEND_BATCH_SIZE = env.int("PUSH_SEND_BATCH_SIZE", default=500)
# FCM requests per worker process that may be sent and not yet recorded (its thread pool). A
# worker does ~1,000 messages/s; 64 covers FCM's round trip (~50 ms) plus the write of their
# outcomes. A killed worker leaves at most this many messages that FCM may have accepted
# without a record: they are sent a second time.
PUSH_SEND_CONCURRENCY = env.int("PUSH_SEND_CONCURRENCY", default=64)
# A delivery claimed longer ago than this, with no result, belonged to a worker that died:
# the reconciler sends it again. Must exceed a chunk task's hard time limit (100 s).
PUSH_CLAIM_LEASE_SECONDS = env.float("PUSH_CLAIM_LEASE_SECONDS", default=120.0)
# A queued delivery no task has picked up after this long (its task was lost with the broker
# or never published) is queued again by the reconciler.
PUSH_STALE_QUEUED_SECONDS = env.float("PUSH_STALE_QUEUED_SECONDS", default=120.0)
# Crisis alerts: minutes after sending at which people who have not answered get each step of
# the ladder (push again, SMS, e-mail, the unit leader's call list). These are the defaults;
# the sender of an alert may change or switch off (null) each step.
PUSH_ALERT_REPUSH_MINUTES = env.int("PUSH_ALERT_REPUSH_MINUTES", default=10)
PUSH_ALERT_SMS_MINUTES = env.int("PUSH_ALERT_SMS_MINUTES", default=20)
PUSH_ALERT_EMAIL_MINUTES = env.int("PUSH_ALERT_EMAIL_MINUTES", default=30)
PUSH_ALERT_CALL_LIST_MINUTES = env.int("PUSH_ALERT_CALL_LIST_MINUTES", default=45)

# --- Notifications: channels (push, SMS, e-mail), the SMS gateway, fallbacks, budgets -------
# SMS_SENDER names the gateway adapter: org.sms.LogSmsSender writes to the log (the embedded
# default; production refuses it), org.sms.GatewayApiSmsSender sends through GatewayAPI.
SMS_SENDER = env.str("SMS_SENDER", default="org.sms.LogSmsSender")
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="Bro")  # ≤ 11 characters, shown as sender
SMS_GATEWAYAPI_URL = env.str("SMS_GATEWAYAPI_URL", default="https://gatewayapi.com")
SMS_GATEWAYAPI_TOKEN = env.str("SMS_GATEWAYAPI_TOKEN", default="")
# The public URL of /notifications/sms/callback/ that the gateway calls with delivery reports,
# and the secret it signs them with (a JWT, HS256, in X-Gwapi-Signature). Empty URL: the
# account's default webhook; empty secret: every callback is refused.
SMS_CALLBACK_URL = env.str("SMS_CALLBACK_URL", default="")
SMS_CALLBACK_SECRET = env.str("SMS_CALLBACK_SECRET", default="")
SMS_HTTP_TIMEOUT_SECONDS = env.float("SMS_HTTP_TIMEOUT_SECONDS", default=10.0)
# Estimated price of one SMS segment in the account currency (GatewayAPI, Denmark, 2026).
SMS_COST_PER_SEGMENT = Decimal(env.str("SMS_COST_PER_SEGMENT", default="0.25"))
# Messages per worker process on the wire at once, per channel (see PUSH_SEND_CONCURRENCY).
SMS_SEND_CONCURRENCY = env.int("SMS_SEND_CONCURRENCY", default=16)
EMAIL_SEND_CONCURRENCY = env.int("EMAIL_SEND_CONCURRENCY", default=4)
# Which channels each category may use at all; a person's own switches narrow it further.
# SMS and e-mail go only where a fallback rule or the crisis ladder asks for them.
NOTIFY_CHANNEL_POLICY = {
    "news": ("push", "sms"),
    "minutes": ("push", "sms"),
    "events": ("push", "sms"),
    "onboarding": ("push", "sms", "email"),
    "surveys": ("push", "sms"),
    "alerts": ("push", "sms", "email"),
    "system": ("push", "email"),
}
# Fallback rules (shown read-only in the admin under Notifikationer → Kanalregler):
# must-read: after the first reminder, people with no active device get an SMS with a link.
NOTIFY_MUST_READ_SMS_FALLBACK = env.bool("NOTIFY_MUST_READ_SMS_FALLBACK", default=True)
# Survey invitations: people with no active device get an SMS link.
NOTIFY_SURVEY_SMS_FALLBACK = env.bool("NOTIFY_SURVEY_SMS_FALLBACK", default=True)
# A post's writer hears of new comments at most once per this many minutes (dialogue.announce).
DIALOGUE_COMMENT_BATCH_MINUTES = env.int("DIALOGUE_COMMENT_BATCH_MINUTES", default=60)
# Onboarding: pre-boarders with no app yet get their due steps by SMS, else e-mail.
NOTIFY_ONBOARDING_FALLBACK = env.bool("NOTIFY_ONBOARDING_FALLBACK", default=True)
# SMS segments per calendar month and category; warning to communications at 80 %, nothing more
# sent at 100 % (crisis alerts are exempt). 0 = no limit.
SMS_BUDGET_SEGMENTS = {
    "news": env.int("SMS_BUDGET_NEWS", default=3000),
    "minutes": env.int("SMS_BUDGET_MINUTES", default=1000),
    "events": env.int("SMS_BUDGET_EVENTS", default=1000),
    "onboarding": env.int("SMS_BUDGET_ONBOARDING", default=2000),
    "surveys": env.int("SMS_BUDGET_SURVEYS", default=5000),
}
SMS_BUDGET_WARNING_PERCENT = 80
# Links in SMS and e-mail that open one post or survey wave without the app: the public base
# URL they start with, and how long they work (a forwarded link works for whoever holds it).
BRO_PUBLIC_URL = env.str("BRO_PUBLIC_URL", default="http://127.0.0.1:8000")
NOTIFY_LINK_MAX_AGE_DAYS = env.int("NOTIFY_LINK_MAX_AGE_DAYS", default=14)

# --- Domain knobs: how the municipality's own rules are set (README, "Domain knobs") -------
# Must-read reminders, onboarding, survey anonymity, retention. Everything else the
# municipality decides — its strategy, tracks, audiences — is data in the admin, not settings.
# Hours after publishing at which people who have not acknowledged a must-read are reminded.
CONTENT_ACK_REMINDER_HOURS = env.list("CONTENT_ACK_REMINDER_HOURS", cast=int, default=[24, 72])
# LIX targets (content.readability): a must-read above its audience's target needs a "kort
# fortalt" at or under it before it is published. 35 is the top of "let" on the Danish scale,
# what the strategy's "let forståeligt for alle" asks of posts to all staff; a targeted group
# (a unit, a role, named people) may read one band step harder.
CONTENT_LIX_TARGET_EVERYONE = env.int("CONTENT_LIX_TARGET_EVERYONE", default=35)
CONTENT_LIX_TARGET_GROUPS = env.int("CONTENT_LIX_TARGET_GROUPS", default=40)

# Days past its due time at which an open step counts as overdue, and the doer and the new
# hire's leader are told.
ONBOARDING_OVERDUE_DAYS = env.int("ONBOARDING_OVERDUE_DAYS", default=2)

# Defaults for new surveys: results need this many respondents per group, free text more.
SURVEY_MIN_GROUP_SIZE = env.int("SURVEY_MIN_GROUP_SIZE", default=5)
SURVEY_MIN_FREE_TEXT_GROUP_SIZE = env.int("SURVEY_MIN_FREE_TEXT_GROUP_SIZE", default=10)
if SURVEY_MIN_GROUP_SIZE < 3 or SURVEY_MIN_FREE_TEXT_GROUP_SIZE < 5:
    # The anonymity floors; the database refuses surveys below them anyway (check constraints).
    raise ImproperlyConfigured(
        "SURVEY_MIN_GROUP_SIZE must be at least 3 and SURVEY_MIN_FREE_TEXT_GROUP_SIZE at least 5."
    )

# Privacy and retention: days each class of personal data is kept (GDPR storage limitation), enforced by the beat task
# org.tasks.enforce_retention (`manage.py enforce_retention --dry-run` shows the counts). Read
# receipts and RSVPs 2 years, the push inbox and retired devices 6 months, the access log
# 6 months; a former employee's profile is anonymised this many days after the end date.
RETENTION_DAYS = {
    "read_receipts": env.int("RETENTION_DAYS_READ_RECEIPTS", default=730),
    "rsvps": env.int("RETENTION_DAYS_RSVPS", default=730),
    "notifications": env.int("RETENTION_DAYS_NOTIFICATIONS", default=180),
    "retired_devices": env.int("RETENTION_DAYS_RETIRED_DEVICES", default=180),
    "access_log": env.int("RETENTION_DAYS_ACCESS_LOG", default=180),
    "former_employees": env.int("RETENTION_DAYS_FORMER_EMPLOYEES", default=180),
}
# A legal hold: nothing is deleted or anonymised (retention counts only; erasure refused).
RETENTION_ARCHIVE_HOLD = env.bool("RETENTION_ARCHIVE_HOLD", default=False)
if min(RETENTION_DAYS.values()) < 1:
    raise ImproperlyConfigured("RETENTION_DAYS_* must be at least 1 day.")

# --- Security (production) ----------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy for the HTML Bro serves (admin, dashboard, API docs): scripts only
# from our own static files, never inline; nothing may frame a page. The dashboard draws its
# bars and colours with inline style attributes, hence 'unsafe-inline' for styles only; the
# docs page (api.docs) sends a stricter policy of its own. Enforced in production; reported
# only in development, where Django's debug pages inline their scripts.
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_CSP = CONTENT_SECURITY_POLICY
else:
    SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Production: what it refuses, in one place --------------------------------------------
# With BRO_PRODUCTION=true the server does not start while any of these holds; the reasons are
# listed together. Values production must be given (the secret key, the hosts, SMTP_HOST) have
# no default above and stop the boot where they are read. Toys — a log SMS sender, console or
# in-memory mail, the push log backend, tasks run in the web process (no broker), a cache per
# process (no Redis) — would each lose messages or limits silently.
if PRODUCTION:
    _toys = {
        "DJANGO_ALLOWED_HOSTS names no host": not ALLOWED_HOSTS,
        "DATABASE_URL is not set (production needs PostgreSQL: DATABASE_URL=postgres://...)": (
            "DATABASE_URL" not in env.ENVIRON
        ),
        "the database is not PostgreSQL (DATABASE_URL=postgres://...)": not USING_POSTGRESQL,
        "SSO_OIDC_ISSUER is not an https:// URL": bool(SSO_OIDC_ISSUER)
        and not SSO_OIDC_ISSUER.startswith("https://"),
        "SMS_SENDER is the log sender": SMS_SENDER == "org.sms.LogSmsSender",
        "SMS_GATEWAYAPI_TOKEN is empty": SMS_SENDER == "org.sms.GatewayApiSmsSender"
        and not SMS_GATEWAYAPI_TOKEN,
        "SMS_CALLBACK_SECRET is empty (delivery reports could be forged)": not SMS_CALLBACK_SECRET,
        "e-mail goes to the console or memory": any(
            mailer["BACKEND"].rsplit(".", 2)[-2] in {"console", "locmem", "dummy"}
            for mailer in MAILERS.values()
        ),
        "push goes to the log (no FCM_CREDENTIALS_FILE)": not FCM_CREDENTIALS_FILE,
        "Celery runs tasks in the web process (no CELERY_BROKER_URL)": not CELERY_BROKER_URL,
        "no REDIS_URL (rate limits and heartbeats per process)": not REDIS_URL,
    }
    if refused := [reason for reason, toy in _toys.items() if toy]:
        raise ImproperlyConfigured("Production refuses: " + "; ".join(refused))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
