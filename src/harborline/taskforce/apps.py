from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "harborline.taskforce"
    label = "taskforce"
    verbose_name = "Taskforce"
