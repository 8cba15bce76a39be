from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "harborline.access"
    label = "access"
    verbose_name = "Access"
