"""The full-text index of articles (title and text), for the article lists' search boxes:
FTS5 on SQLite, GIN on PostgreSQL, as 0004 made the claims'.

The SQL is frozen here as annotations/search.py's ``install_articles`` and
``uninstall_articles`` ran it when this was written: a later change there must not
change what this migration does on a fresh database. After every migrate, ``apps.py``
runs search.py's own ``install_articles`` again, to put back triggers that a table
rebuild dropped.
"""

from django.db import migrations

FTS_TABLE = "annotations_article_fts"
INDEX = "article_search_idx"
# PostgreSQL: the words in a column of their own, set by a trigger (not a generated
# column, so that a later migration may still change the title's or the text's type).
TRIGGER = "annotations_article_search_vector"

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS annotations_article_fts USING fts5("
    "title, body, content='annotations_article', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)
# The triggers' text is kept to the byte: SQLite stores it as written.
SQLITE_TRIGGERS = {
    "annotations_article_fts_ai": """CREATE TRIGGER IF NOT EXISTS annotations_article_fts_ai
        AFTER INSERT ON annotations_article BEGIN
        INSERT INTO annotations_article_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
    "annotations_article_fts_ad": """CREATE TRIGGER IF NOT EXISTS annotations_article_fts_ad
        AFTER DELETE ON annotations_article BEGIN
        INSERT INTO annotations_article_fts(annotations_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body); END""",
    "annotations_article_fts_au": """CREATE TRIGGER IF NOT EXISTS annotations_article_fts_au
        AFTER UPDATE OF title, body ON annotations_article BEGIN
        INSERT INTO annotations_article_fts(annotations_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO annotations_article_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
}
POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION annotations_article_search_vector() RETURNS trigger AS $$ "
    "BEGIN NEW.search_vector := "
    "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B'); RETURN NEW; "
    "END $$ LANGUAGE plpgsql"
)
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER annotations_article_search_vector BEFORE INSERT OR UPDATE OF title, body "
    "ON annotations_article FOR EACH ROW EXECUTE FUNCTION annotations_article_search_vector()"
)
POSTGRESQL_FILL = (
    "UPDATE annotations_article SET search_vector = "
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'B')"
)


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _install_vector(cursor)
            return
        if connection.vendor != "sqlite":
            return
        cursor.execute(SQLITE_TABLE)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE_TRIGGERS),
        )
        present = {name for (name,) in cursor.fetchall()}
        if present != set(SQLITE_TRIGGERS):
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _install_vector(cursor):
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [TRIGGER])
    if cursor.fetchone() is None:
        cursor.execute(
            "ALTER TABLE annotations_article ADD COLUMN IF NOT EXISTS search_vector tsvector"
        )
        cursor.execute(POSTGRESQL_FUNCTION)
        cursor.execute(POSTGRESQL_TRIGGER)
        cursor.execute(POSTGRESQL_FILL)
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON annotations_article USING GIN (search_vector)"
    )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON annotations_article")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
            cursor.execute("ALTER TABLE annotations_article DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_indexes_for_lists")]

    operations = [migrations.RunPython(install, uninstall)]
