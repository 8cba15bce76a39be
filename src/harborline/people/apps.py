from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "harborline.people"
    label = "people"
    verbose_name = "People and organizations"

    def ready(self) -> None:
        from . import signals

        signals.connect()
