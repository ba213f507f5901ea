from django.core.management.base import BaseCommand

from annotations import jobs


class Command(BaseCommand):
    help = (
        "Read every monitored article that is due again (conditional requests) and follow "
        "its changes: for cron, where no celery beat runs."
    )

    def handle(self, *args, **options):
        job = jobs.job_check_monitored()
        if job is None:
            self.stdout.write("No monitored article is due.")
            return
        job.refresh_from_db()
        items = list(job.items.order_by("position"))
        for item in items:
            line = f"{item.result or item.state}: {item.url}"
            self.stdout.write(f"{line} ({item.message})" if item.message else line)
        self.stdout.write(f"job {job.pk}: {job.get_state_display().lower()}, {len(items)} checked")
