"""Settings for the test suite: the production settings with fixed test keys and fast hashing.

Tests run on SQLite unless DATABASE_URL names another database (CI runs them on PostgreSQL too)."""

import os

os.environ.setdefault("HARBORLINE_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault(
    "HARBORLINE_FIELD_KEYS",
    # Two throwaway Fernet keys: the first encrypts, both decrypt.
    "m8a7MqWcmLBW6vdN7tZJ1Vf1QwUj0hM7vO8Yb3Z1oQk=,Qv6Yqg0F3B8z2kK9yXfR8nT4cJ7pL1sW5eH2aD6uG0M=",
)
# Throwaway audit keys: the MAC key that seals audit records, and the anchor-signing key.
os.environ.setdefault("HARBORLINE_AUDIT_KEYS", "2_oQ_mgoVwg3m9CvySwPjR_4Vup0SRuLXgK0sXDsgQ8=")
os.environ.setdefault(
    "HARBORLINE_AUDIT_SIGNING_KEY", "0igqkggGrIwbFBK_1xmrCx400kqJvC_yx5mPDrfqP1A="
)

from .settings import *  # noqa: E402,F403

# Speed: MD5 in tests only; the production Argon2 setting is asserted in its own test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A test-only app with encrypted fields (tests/crypto_app), for the field-encryption tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.crypto_app"]  # noqa: F405
