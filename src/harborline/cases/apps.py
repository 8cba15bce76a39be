from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harborline.cases"
    label = "cases"
    verbose_name = "Cases"
