"""Indexes for every order and filter the lists use (issue 18).

On PostgreSQL, trigram indexes too, for the searches that look inside short text
(an article's title as the desk types it, an event's comment): created here with SQL
of their own, since SQLite has no GIN index (pg_trgm comes from 0004, the claims'
search, which needs it too).
"""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class PostgresOnly(migrations.RunSQL):
    """SQL that runs on PostgreSQL alone: elsewhere the operation does nothing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(name: str, table: str, column: str) -> PostgresOnly:
    """A GIN trigram index on UPPER(column): what Django's icontains compares."""
    return PostgresOnly(
        f"CREATE INDEX {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0010_rationale_markdown'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['imported_at', 'id'], name='article_imported_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['queue_status', 'imported_at', 'id'], name='article_queue_imported_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['priority', 'id'], name='article_priority_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['due_date', 'id'], name='article_due_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['publisher'], name='article_publisher_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(django.db.models.functions.text.Upper('publisher'), name='article_publisher_upper_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['approved_at', 'id'], name='claim_published_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['verdict', 'approved_at', 'id'], name='claim_published_verdict_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(django.db.models.functions.comparison.Coalesce('submitted_at', 'created_at'), models.F('id'), name='claim_age_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(models.F('status'), django.db.models.functions.comparison.Coalesce('submitted_at', 'created_at'), models.F('id'), name='claim_status_age_idx'),
        ),
        migrations.AddIndex(
            model_name='claimevent',
            index=models.Index(fields=['kind', 'at', 'id'], name='claimevent_kind_idx'),
        ),
        migrations.AddIndex(
            model_name='claimevent',
            index=models.Index(fields=['to_status', 'at', 'id'], name='claimevent_step_idx'),
        ),
        migrations.AddIndex(
            model_name='claimevent',
            index=models.Index(fields=['is_correction', 'at', 'id'], name='claimevent_correction_idx'),
        ),
        migrations.AddIndex(
            model_name='appearance',
            index=models.Index(fields=['created_at', 'id'], name='appearance_created_idx'),
        ),
        migrations.AddIndex(
            model_name='appearance',
            index=models.Index(fields=['state', 'created_at', 'id'], name='appearance_state_idx'),
        ),
        trigram_index("article_title_trgm_idx", "annotations_article", "title"),
        trigram_index("claimevent_comment_trgm_idx", "annotations_claimevent", "comment"),
    ]
