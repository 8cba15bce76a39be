from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "harborline.directory"
    label = "directory"
    verbose_name = "Service directory (Open Referral HSDS 3.0)"
