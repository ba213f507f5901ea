"""The full-text index of claims: FTS5 on SQLite, GIN (tsvector and trigrams) on PostgreSQL.

The SQL is frozen here as annotations/search.py's ``install`` and ``uninstall`` ran it
when this was written: a later change there (the queries that must match it live there)
must not change what this migration does on a fresh database. After every migrate,
``apps.py`` runs search.py's own ``install`` again, to put back triggers that a table
rebuild dropped.
"""

from django.db import migrations

FTS_TABLE = "annotations_claim_fts"

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS annotations_claim_fts USING fts5("
    "claim, exact, rationale, content='annotations_claim', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)
# The triggers' text is kept to the byte: SQLite stores it as written.
SQLITE_TRIGGERS = {
    "annotations_claim_fts_ai": """CREATE TRIGGER IF NOT EXISTS annotations_claim_fts_ai
        AFTER INSERT ON annotations_claim BEGIN
        INSERT INTO annotations_claim_fts(rowid, claim, exact, rationale)
        VALUES (new.id, new.claim, new.exact, new.rationale); END""",
    "annotations_claim_fts_ad": """CREATE TRIGGER IF NOT EXISTS annotations_claim_fts_ad
        AFTER DELETE ON annotations_claim BEGIN
        INSERT INTO annotations_claim_fts(annotations_claim_fts, rowid, claim, exact, rationale)
        VALUES ('delete', old.id, old.claim, old.exact, old.rationale); END""",
    "annotations_claim_fts_au": """CREATE TRIGGER IF NOT EXISTS annotations_claim_fts_au
        AFTER UPDATE OF claim, exact, rationale ON annotations_claim BEGIN
        INSERT INTO annotations_claim_fts(annotations_claim_fts, rowid, claim, exact, rationale)
        VALUES ('delete', old.id, old.claim, old.exact, old.rationale);
        INSERT INTO annotations_claim_fts(rowid, claim, exact, rationale)
        VALUES (new.id, new.claim, new.exact, new.rationale); END""",
}
POSTGRESQL_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The weighted vector is kept in a generated column (the database's, not the
    # model's): ranking candidates reads it instead of parsing every text again.
    "ALTER TABLE annotations_claim ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(claim, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(exact, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(rationale, '')), 'D')) STORED",
    "CREATE INDEX IF NOT EXISTS claim_search_idx ON annotations_claim USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS claim_wording_trgm_idx ON annotations_claim "
    "USING GIN ((claim || ' ' || exact) gin_trgm_ops)",
]


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_INDEXES:
                cursor.execute(statement)
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


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS claim_search_idx")
            cursor.execute("DROP INDEX IF EXISTS claim_wording_trgm_idx")
            cursor.execute("ALTER TABLE annotations_claim DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0003_claimants_and_appearances")]

    operations = [migrations.RunPython(install, uninstall)]
