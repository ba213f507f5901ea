from django.apps import AppConfig
from django.db.models.signals import post_migrate


def keep_search_index(sender, using="default", **kwargs) -> None:
    """A migration that rebuilds the claims table on SQLite drops the search triggers:
    put them back (and re-index) after every migrate."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from annotations import search

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("annotations", "0004_claim_search") in applied:
        search.install(connection)
    if ("annotations", "0012_article_search") in applied:
        search.install_articles(connection)


class AnnotationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annotations"
    verbose_name = "Fact-check desk"

    def ready(self) -> None:
        from annotations import lookups  # noqa: F401  (registers field__among)

        post_migrate.connect(keep_search_index, sender=self)
