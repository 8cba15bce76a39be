from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "harborline.instruments"
    label = "instruments"
    verbose_name = "Instruments"
