"""Long work as background jobs: imports from web addresses, refreshes from source and
checks of monitored articles, on Celery.

A job is a row with one item per address (``Job``/``JobItem``), so the admin can show
its state, its progress and the reason each failed address failed. With a broker
(``CELERY_BROKER_URL``) a worker runs it; without one, Celery runs it inline where it
was asked for (``task_always_eager``), the same code either way.

Brokers deliver at least once and workers die: each item is applied exactly once,
because its import and its "done" mark commit in one transaction, which first checks
that the item is still pending. A retry, a second delivery or a run after a crash
skips what was done and does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations import access
from annotations.importers import (
    FAILED,
    ImportResult,
    import_source,
    is_web_address,
    origin_of_url,
    read_url,
)
from annotations.models import Article, Job, JobItem

NO_ADDRESSES = "Give at least one web address (http:// or https://), one per line."
NOT_AN_ADDRESS = (
    "Line {line}: “{text}” is not a web address (it must start with http:// or https://)."
)
TOO_MANY = "At most {limit} addresses at a time (you gave {count})."
NOT_FROM_THE_WEB = (
    "“{title}” was imported from a file, not a web address: import the changed file "
    "with --update (or tick “replace”) instead."
)
CANNOT_RETRY = "Only a failed job, or one a stopped worker left running, can be retried."
NOT_ALLOWED = "Only editors may import or refresh articles."
CRASHED = "The job stopped before it finished: retry it to do the rest."
MAX_ADDRESSES = 200

S = Job.State
I = JobItem.State  # noqa: E741


class JobError(Exception):
    """A job that cannot be made or retried; the message says why, for a person."""


def parse_addresses(text: str) -> list[str]:
    """One web address per line (blank lines skipped), each checked, duplicates once."""
    urls: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if not is_web_address(line) or len(line) > 1000:
            raise JobError(NOT_AN_ADDRESS.format(line=number, text=line[:80]))
        if origin_of_url(line) not in urls:
            urls.append(origin_of_url(line))
    if not urls:
        raise JobError(NO_ADDRESSES)
    if len(urls) > MAX_ADDRESSES:
        raise JobError(TOO_MANY.format(limit=MAX_ADDRESSES, count=len(urls)))
    return urls


def _check_user(user) -> None:
    if user is not None and not access.is_editor(user):
        raise JobError(NOT_ALLOWED)


def job_import_urls(*, urls: Sequence[str], user, update: bool = False) -> Job:
    """A job importing these addresses (``update``: move known articles to a changed text)."""
    _check_user(user)
    return _job_create(Job.Kind.IMPORT, [(url, None) for url in urls], user, update)


def job_refresh(*, articles: Iterable[Article], user) -> Job:
    """A job reading these articles again from their web address, following changes."""
    _check_user(user)
    articles = list(articles)
    for article in articles:
        if not article.from_the_web:
            raise JobError(NOT_FROM_THE_WEB.format(title=article.title[:80]))
    return _job_create(Job.Kind.REFRESH, [(a.origin, a) for a in articles], user, True)


def due_for_check() -> Q:
    """Monitored articles whose last read is older than FACTCHECK_MONITOR_MINUTES."""
    since = timezone.now() - timedelta(minutes=settings.FACTCHECK_MONITOR_MINUTES)
    return Q(monitored=True) & (Q(checked_at__isnull=True) | Q(checked_at__lt=since))


def job_check_monitored(*, user=None) -> Job | None:
    """A job reading every monitored article that is due, with conditional requests;
    None when none is due."""
    due = [a for a in Article.objects.filter(due_for_check()).order_by("pk") if a.from_the_web]
    if not due:
        return None
    return _job_create(Job.Kind.CHECK, [(a.origin, a) for a in due], user, True)


def _job_create(kind: str, targets: list[tuple[str, Article | None]], user, update: bool) -> Job:
    with transaction.atomic():
        job = Job.objects.create(kind=kind, created_by=user, update=update)
        JobItem.objects.bulk_create(
            JobItem(job=job, position=n, url=url, article=article)
            for n, (url, article) in enumerate(targets, start=1)
        )
        enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Hand the job to a worker once it is committed (inline when no broker is set)."""
    transaction.on_commit(lambda: run_job.delay(job.pk))


def job_retry(*, job: Job, user) -> Job:
    """Run a failed (or stranded) job again: its failed and pending items only."""
    _check_user(user)
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        if current.state not in (S.FAILED, S.RUNNING):
            raise JobError(CANNOT_RETRY)
        current.items.filter(state=I.FAILED).update(state=I.PENDING, result="", message="")
        current.state, current.error, current.finished_at = S.QUEUED, "", None
        current.save(update_fields=["state", "error", "finished_at"])
        enqueue(current)
    return current


@shared_task(name="annotations.jobs.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    """The task: every pending item of the job, each applied once; then its end state."""
    return run(job_id)


def run(job_id: int) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state == S.DONE:
            return "nothing to do"  # a second delivery of a job already finished
        job.state, job.started_at = S.RUNNING, timezone.now()
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "attempts"])
    for item_id in job.items.filter(state=I.PENDING).values_list("pk", flat=True):
        process_item(item_id, job)
    failed = job.items.filter(state=I.FAILED).exists()
    Job.objects.filter(pk=job_id).update(
        state=S.FAILED if failed else S.DONE, finished_at=timezone.now()
    )
    return "failed" if failed else "done"


def process_item(item_id: int, job: Job) -> None:
    """Read one address (outside any transaction: the network is slow), then import it and
    mark the item done in one transaction, unless another run did it meanwhile."""
    item = JobItem.objects.get(pk=item_id)
    if item.state != I.PENDING:
        return
    try:
        source = read_url(item.url, origin=item.url)
    except Exception as exc:  # a bug must fail one address, not the whole job
        source = ImportResult(item.url, FAILED, f"unexpected error: {exc}")
    with transaction.atomic():
        locked = JobItem.objects.select_for_update().get(pk=item_id)
        if locked.state != I.PENDING:
            return
        if isinstance(source, ImportResult):
            result = source
        else:
            result = import_source(source, user=job.created_by, update=job.update)
        finish_item(locked, result)


def finish_item(item: JobItem, result: ImportResult) -> None:
    item.state = I.FAILED if result.status == FAILED else I.DONE
    item.result = result.status
    item.message = result.message
    item.article = result.article or item.article
    item.finished_at = timezone.now()
    item.save(update_fields=["state", "result", "message", "article", "finished_at"])


@shared_task(name="annotations.jobs.check_monitored")
def check_monitored() -> str:
    """The periodic task (celery beat): check the monitored articles that are due."""
    job = job_check_monitored()
    return f"job {job.pk}" if job else "nothing due"
