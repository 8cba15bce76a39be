from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "harborline.training"
    label = "training"
    verbose_name = "Training"
