from django.core.management.base import BaseCommand

from annotations import jobs


class Command(BaseCommand):
    help = (
        "Pick up what a fault left behind: send the jobs the job queue never got, queue "
        "again the jobs whose worker vanished, email the notifications never emailed. "
        "For cron, where no celery beat runs (beat runs it every "
        "FACTCHECK_SWEEP_EVERY_SECONDS)."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(jobs.sweep()))
