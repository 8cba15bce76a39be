from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "harborline.web"
    label = "web"
    verbose_name = "Pages"
