"""Faults lose nothing: a job remembers when it was handed to the queue and how long its
worker holds it, a notification whether its email is still due, so a sweep can send
what a broker outage kept back and run again what a vanished worker left.

The rows made before carry over: a queued job is marked never sent (the sweep sends it:
it may be one the broker lost), a running one holds no lease (its worker is long gone:
the sweep runs it again); the other jobs were sent when they were made. An emailed
notification is not due; nor is one unsent for more than two days (the sweep lets those
go too: a two-day-old email would mislead).
"""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone

GIVE_UP_AFTER = timedelta(days=2)  # as annotations.notifications.EMAIL_GIVE_UP_AFTER


def carry_over(apps, schema_editor):
    db = schema_editor.connection.alias
    Job = apps.get_model("annotations", "Job")
    Notification = apps.get_model("annotations", "Notification")
    Job.objects.using(db).exclude(state="queued").update(sent_at=F("created_at"))
    Notification.objects.using(db).filter(
        Q(emailed_at__isnull=False) | Q(created_at__lt=timezone.now() - GIVE_UP_AFTER)
    ).update(email_due=False)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0015_event_wrote_content")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="sent_at",
            field=models.DateTimeField(
                blank=True, help_text="When it was last handed to the job queue.", null=True
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="lease_until",
            field=models.DateTimeField(
                blank=True,
                help_text="While running: its worker renews this after each address.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_due",
            field=models.BooleanField(
                default=True,
                help_text="The email is still to be sent (or found not wanted): the sweep "
                "sends what its job did not.",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="error",
            field=models.TextField(
                blank=True, help_text="Why the job itself stopped, or why it waits, if it does."
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(
                condition=models.Q(("state__in", ["queued", "running"])),
                fields=["state", "lease_until"],
                name="job_unfinished_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_due", True)),
                fields=["created_at"],
                name="notification_due_idx",
            ),
        ),
    ]
