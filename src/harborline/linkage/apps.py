from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "harborline.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
