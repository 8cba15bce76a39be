from django.apps import AppConfig


class CryptoAppConfig(AppConfig):
    """A test-only app holding a model with encrypted fields (no production model has them yet)."""

    name = "tests.crypto_app"
    label = "crypto_app"
    default_auto_field = "django.db.models.BigAutoField"
