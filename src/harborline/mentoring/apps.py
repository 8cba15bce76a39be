from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "harborline.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"
