from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "harborline.protocols"
    label = "protocols"
    verbose_name = "Protocol packs"

    def ready(self) -> None:
        # Registers the system check that HARBORLINE_PACK names a loaded state pack.
        from . import home  # noqa: F401
