from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "harborline.missing"
    label = "missing"
    verbose_name = "Missing and runaway episodes"
