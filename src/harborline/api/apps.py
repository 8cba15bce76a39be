from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "harborline.api"
    label = "api"
    verbose_name = "JSON API"
