"""The full-text index of articles (title and text), for the article lists' search boxes:
FTS5 on SQLite, GIN on PostgreSQL, as 0004 made the claims'. The SQL lives in
annotations/search.py, beside the queries that must match it.
"""

from django.db import migrations


def install(apps, schema_editor):
    from annotations import search

    search.install_articles(schema_editor.connection)


def uninstall(apps, schema_editor):
    from annotations import search

    search.uninstall_articles(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_indexes_for_lists")]

    operations = [migrations.RunPython(install, uninstall)]
