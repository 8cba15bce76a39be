from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "harborline.crypto"
    label = "crypto"
    verbose_name = "Field encryption"
