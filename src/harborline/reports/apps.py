from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "harborline.reports"
    label = "reports"
    verbose_name = "Reports"
