from django.apps import AppConfig


class FactcheckConfig(AppConfig):
    """The project package as an app: its system checks, log-in guard and commands."""

    name = "factcheck"
    verbose_name = "Fact-check site"

    def ready(self) -> None:
        from factcheck import checks, pgtypes  # noqa: F401  (registers the checks, the loader)
