from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "harborline.audit"
    label = "audit"
    verbose_name = "Audit"
