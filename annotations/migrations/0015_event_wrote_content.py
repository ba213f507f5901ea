"""Which steps wrote a claim's content: the four-eyes rule reads their actors.

The history recorded before this migration is marked from what each step was: every
edit, every change to where a claim appears but a confirmation, and every time the words
of a quote were selected again by a person (its changes name the span).
"""

from django.db import migrations, models


def mark_history(apps, schema_editor):
    ClaimEvent = apps.get_model("annotations", "ClaimEvent")
    events = ClaimEvent.objects.all()
    events.filter(kind="edit").update(wrote_content=True)
    events.filter(kind="appearance").exclude(comment__startswith="Appearance confirmed").update(
        wrote_content=True
    )
    anchor = events.filter(kind="anchor", actor__isnull=False)
    for key in ("start", "end", "exact"):
        anchor.filter(changes__has_key=key).update(wrote_content=True)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0014_transition_tallies")]

    operations = [
        migrations.AddField(
            model_name="claimevent",
            name="wrote_content",
            field=models.BooleanField(
                default=False,
                help_text="The step changed the claim's content: its actor is an author.",
            ),
        ),
        migrations.RunPython(mark_history, migrations.RunPython.noop),
    ]
