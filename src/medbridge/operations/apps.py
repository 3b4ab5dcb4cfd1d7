from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "medbridge.operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from medbridge.operations import checks  # noqa: F401  (registers the deploy checks)
