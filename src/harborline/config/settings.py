"""Harborline settings. Everything that differs between machines comes from the environment
(see docs/operations.md); nothing secret is ever written here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.var_dir()

# Demo mode is switched on only by `harborline demo` (HARBORLINE_DEMO=1). It allows the
# generated demo keys and shows demo users their MFA code; nothing else changes.
DEMO_MODE = env.flag("HARBORLINE_DEMO")
DEBUG = env.flag("HARBORLINE_DEBUG") and DEMO_MODE

# An empty key is refused by `harborline serve` and by wsgi (config.checks); commands such as
# `migrate` or `keys generate` may run without one and get a throwaway key.
SECRET_KEY_CONFIGURED = bool(env.text("HARBORLINE_SECRET_KEY"))
SECRET_KEY = env.text("HARBORLINE_SECRET_KEY") or "unset-" + __import__("secrets").token_urlsafe(48)
FIELD_ENCRYPTION_KEYS = env.listing("HARBORLINE_FIELD_KEYS")
# The audit chain (docs/decisions/0035): MAC keys (the first seals new records, all verify), the
# Ed25519 key that signs exported chain heads, retired signing keys' public keys, and where and
# how often the worker exports a signed head (file:/path, syslog:, syslog:HOST:PORT).
AUDIT_KEYS = env.listing("HARBORLINE_AUDIT_KEYS")
AUDIT_SIGNING_KEY = env.text("HARBORLINE_AUDIT_SIGNING_KEY")
AUDIT_ANCHOR_PUBLIC_KEYS = env.listing("HARBORLINE_AUDIT_ANCHOR_PUBLIC_KEYS")
AUDIT_ANCHOR = env.listing("HARBORLINE_AUDIT_ANCHOR")
AUDIT_ANCHOR_MINUTES = env.integer("HARBORLINE_AUDIT_ANCHOR_MINUTES", 15)

# The home protocol pack: the one whose rules, clocks, categories and wording apply (decision
# 0046). Checked at startup (protocols.home.check_home_pack): a name no loaded pack has stops it.
HARBORLINE_PACK = env.text("HARBORLINE_PACK") or "nevada"

ALLOWED_HOSTS = env.listing("HARBORLINE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.listing("HARBORLINE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page (/api/v1/docs) from our own static files, not a CDN
    "harborline.protocols",
    "harborline.instruments",
    "harborline.people",
    "harborline.audit",
    "harborline.crypto",
    "harborline.linkage",
    "harborline.access",
    "harborline.cases",
    "harborline.response",
    "harborline.missing",
    "harborline.taskforce",
    "harborline.training",
    "harborline.agreements",
    "harborline.mentoring",
    "harborline.directory",
    "harborline.reports",
    "harborline.api",
    "harborline.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "harborline.audit.middleware.RequestIdMiddleware",
    # Before anything reads the request: 413 for a body over the limit, 422/400 for text that
    # is not valid Unicode (config/request_guard.py).
    "harborline.config.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "harborline.people.middleware.IdleTimeoutMiddleware",
    "harborline.people.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A domain error a page view did not handle becomes its page: 404, 403, or the service's
    # message with its status (web/views_errors.py).
    "harborline.web.views_errors.DomainErrorPages",
]

ROOT_URLCONF = "harborline.config.urls"
WSGI_APPLICATION = "harborline.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harborline.web.context.harborline",
            ],
        },
    },
    # The case page's body (decision 0066): rendered with Jinja2 by its view, then placed in a
    # Django template that extends web/base.html, the one layout. Templates in web/jinja2/;
    # the helpers they get: harborline.web.jinja_env.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "harborline.web.jinja_env.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'harborline.sqlite3'}",
        conn_max_age=env.integer("HARBORLINE_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers up front, which the audit hash chain relies on;
    # WAL lets readers go on while one process writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B-4: at least 15 characters, at least 64 allowed, a blocklist, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "harborline.people.passwords.LengthValidator",
        "OPTIONS": {"min_length": 15, "max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Lockout (django-axes): five failures for one account lock it for 15 minutes, from any address.
AXES_FAILURE_LIMIT = env.integer("HARBORLINE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("HARBORLINE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "harborline.web.views.auth.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.integer("HARBORLINE_PROXY_COUNT", 0)

# Sessions live in the database so that any app server can answer any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_TIMEOUT_SECONDS = env.integer("HARBORLINE_IDLE_TIMEOUT_MINUTES", 15) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Transport security. Demo mode serves plain http on loopback, so secure cookies are off there.
SECURE_COOKIES = env.flag("HARBORLINE_SECURE_COOKIES", not DEMO_MODE)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.flag("HARBORLINE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEMO_MODE else env.integer("HARBORLINE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.flag("HARBORLINE_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
# The languages a youth's or a family's printout can be in (decision 0064). The staff pages stay
# in English: there is no LocaleMiddleware; each printout takes its language explicitly ("Language
# of the printout") and renders inside translation.override. The Spanish catalogue is
# src/harborline/locale/es/LC_MESSAGES/django.po, compiled to the .mo beside it (`make messages`).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Los_Angeles"  # Nevada; each organization has its own zone for display
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served from the installed package by WhiteNoise (finders), so no
# collectstatic step is needed; set HARBORLINE_STATIC_ROOT to serve a collected copy instead.
STATIC_ROOT = env.text("HARBORLINE_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env.text(
    "HARBORLINE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.text("HARBORLINE_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("HARBORLINE_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env.text("HARBORLINE_EMAIL_FROM", "harborline@localhost")

OTP_TOTP_ISSUER = env.text("HARBORLINE_MFA_ISSUER", "Harborline")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("HARBORLINE_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# We lock by account on purpose (an attacker rotating addresses must not get more guesses);
# axes warns that this omits the address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
