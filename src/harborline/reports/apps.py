from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "harborline.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from . import linking, submissions

        if linking.link_when_sent not in submissions.AFTER_SENT:
            submissions.AFTER_SENT.append(linking.link_when_sent)
