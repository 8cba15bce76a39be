from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "harborline.agreements"
    label = "agreements"
    verbose_name = "Agreements"
