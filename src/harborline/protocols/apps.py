from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "harborline.protocols"
    label = "protocols"
    verbose_name = "Protocol packs"
