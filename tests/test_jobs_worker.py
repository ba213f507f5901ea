"""The same jobs through a real Celery worker on a real broker (Redis).

Skipped unless FACTCHECK_TEST_BROKER_URL names a broker: `.ci/run` sets it to Redis's
database 3 and runs these with `-m celery_worker`. The worker runs in a thread of this
process (celery.contrib.testing), reads the committed rows through its own connection,
and the test waits for the job's end state, which only the worker can write.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from django.db import close_old_connections

from annotations import jobs
from annotations.models import Article, ArticleRevision, Job

BROKER = os.environ.get("FACTCHECK_TEST_BROKER_URL", "")
PAGE = (Path(__file__).resolve().parent / "fixtures" / "pages" / "news_article.html").read_bytes()
WIRE = (Path(__file__).resolve().parent / "fixtures" / "pages" / "wire_story.html").read_bytes()

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="set FACTCHECK_TEST_BROKER_URL to run a real worker"),
]


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from factcheck.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield app
    app.conf.update(saved)
    close_old_connections()


def wait_for_end(job: Job, seconds: float = 60) -> Job:
    """The job once the worker has finished it (done or failed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (Job.State.DONE, Job.State.FAILED):
            return job
        time.sleep(0.05)
    raise AssertionError(f"the worker did not finish {job} in {seconds} s (state {job.state})")


def test_a_worker_imports_from_addresses_and_a_retry_does_only_the_rest(worker, pages, editor):
    gate = threading.Event()
    one = pages.page("/one", PAGE)
    pages.routes["/one"].when = lambda headers: gate.wait(10) and None  # held until opened
    late = pages.url("/late")
    job = jobs.job_import_urls(urls=[one, late], user=editor)
    # Inline, the job would have run (and timed out on the held page) before returning:
    # still unfinished, it is in the worker's hands.
    job.refresh_from_db()
    assert job.state in (Job.State.QUEUED, Job.State.RUNNING)
    gate.set()
    job = wait_for_end(job)
    assert job.state == Job.State.FAILED
    assert job.items.get(position=2).message == "the server answered 404 Not Found"
    pages.page("/late", WIRE)
    jobs.job_retry(job=job, user=editor)
    job = wait_for_end(job)
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert Article.objects.count() == 2 and ArticleRevision.objects.count() == 2
    assert [path for path, _ in pages.requests].count("/one") == 1


def test_a_second_delivery_of_a_finished_job_imports_nothing(worker, pages, editor):
    url = pages.page("/one", PAGE)
    job = wait_for_end(jobs.job_import_urls(urls=[url], user=editor))
    assert job.state == Job.State.DONE
    jobs.run_job.delay(job.pk)  # the broker delivers it again (at-least-once)
    jobs.run_job.delay(job.pk)
    # A job created after them is run after them (one worker, one at a time).
    marker = wait_for_end(jobs.job_import_urls(urls=[pages.page("/two", WIRE)], user=editor))
    assert marker.state == Job.State.DONE
    job.refresh_from_db()
    assert job.attempts == 1
    assert ArticleRevision.objects.count() == 2
