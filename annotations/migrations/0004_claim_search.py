"""The full-text index of claims: FTS5 on SQLite, GIN (tsvector and trigrams) on PostgreSQL.

The SQL lives in annotations/search.py, beside the queries that must repeat it.
"""

from django.db import migrations


def install(apps, schema_editor):
    from annotations import search

    search.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from annotations import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0003_claimants_and_appearances")]

    operations = [migrations.RunPython(install, uninstall)]
