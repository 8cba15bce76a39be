from django.apps import AppConfig


class ResponseConfig(AppConfig):
    name = "harborline.response"
    label = "response"
    verbose_name = "Response"
