"""Background jobs: inline without a broker, each item applied once, retries, crashes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations import jobs
from annotations.models import Article, ArticleRevision, Job, JobItem

pytestmark = pytest.mark.django_db

PAGE = (Path(__file__).resolve().parent / "fixtures" / "pages" / "news_article.html").read_bytes()
WIRE = (Path(__file__).resolve().parent / "fixtures" / "pages" / "wire_story.html").read_bytes()


class WorkerKilled(BaseException):
    """A worker dying mid-job: not an error the job could catch and record."""


def test_parse_addresses_one_per_line_with_reasons():
    text = " https://a.example/x#top \n\nhttp://b.example/\nhttps://a.example/x"
    assert jobs.parse_addresses(text) == [
        "https://a.example/x", "http://b.example/",
    ]  # fmt: skip
    with pytest.raises(jobs.JobError, match="Line 2: “ftp://x” is not a web address"):
        jobs.parse_addresses("https://a.example/\nftp://x")
    with pytest.raises(jobs.JobError, match="at least one web address"):
        jobs.parse_addresses("\n \n")


def test_without_a_broker_a_job_runs_inline_when_committed(
    pages, editor, django_capture_on_commit_callbacks
):
    one, two = pages.page("/one", PAGE), pages.page("/two", WIRE)
    bad = pages.url("/missing")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_import_urls(urls=[one, two, bad], user=editor)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 1)
    items = list(job.items.order_by("position"))
    assert [(i.state, i.result) for i in items] == [
        ("done", "imported"), ("done", "imported"), ("failed", "failed"),
    ]  # fmt: skip
    assert items[2].message == "the server answered 404 Not Found"
    assert items[0].article.origin == one
    assert Article.objects.count() == 2


def test_a_retry_does_only_what_failed_and_never_imports_twice(
    pages, editor, django_capture_on_commit_callbacks
):
    one = pages.page("/one", PAGE)
    late = pages.url("/late")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_import_urls(urls=[one, late], user=editor)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    pages.page("/late", WIRE)  # the page is there now
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(job=job, user=editor)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert Article.objects.count() == 2
    assert ArticleRevision.objects.count() == 2
    assert [path for path, _ in pages.requests].count("/one") == 1  # done items are not read again
    with pytest.raises(jobs.JobError, match="This job is done"):
        jobs.job_retry(job=job, user=editor)


def test_a_worker_killed_mid_job_holds_it_until_its_lease_ends_then_a_rerun_finishes_it_once(
    pages, editor, monkeypatch
):
    one, two = pages.page("/one", PAGE), pages.page("/two", WIRE)
    job = jobs.job_import_urls(urls=[one, two], user=editor)  # (not run: no commit here)
    real = jobs.import_source
    calls = []

    def dies_on_the_second(source, **kwargs):
        calls.append(source.origin)
        if len(calls) == 2:
            raise WorkerKilled
        return real(source, **kwargs)

    monkeypatch.setattr(jobs, "import_source", dies_on_the_second)
    with pytest.raises(WorkerKilled):
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert list(job.items.values_list("state", flat=True)) == ["done", "pending"]
    assert Article.objects.count() == 1
    monkeypatch.setattr(jobs, "import_source", real)
    # Delivered again while its lease holds (its worker may be alive): nothing is done.
    assert jobs.run(job.pk) == "running elsewhere"
    # The lease runs out: the broker delivers the job again (acks_late); the first address
    # is not imported again.
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert jobs.run(job.pk) == "done"
    assert Article.objects.count() == 2
    assert ArticleRevision.objects.count() == 2
    assert jobs.run(job.pk) == "nothing to do"  # a third delivery changes nothing


def test_a_crash_between_the_import_and_the_done_mark_rolls_both_back(pages, editor, monkeypatch):
    url = pages.page("/one", PAGE)
    job = jobs.job_import_urls(urls=[url], user=editor)
    real = jobs.finish_item

    def crash(item, result):
        raise WorkerKilled

    monkeypatch.setattr(jobs, "finish_item", crash)
    with pytest.raises(WorkerKilled):
        jobs.run(job.pk)
    assert not Article.objects.exists()  # the import went with the transaction
    monkeypatch.setattr(jobs, "finish_item", real)
    stale(job)  # its worker is gone
    assert jobs.run(job.pk) == "done"
    assert Article.objects.count() == 1
    assert JobItem.objects.get().result == "imported"


def test_refresh_is_for_articles_from_the_web(article, editor):
    with pytest.raises(jobs.JobError, match="was imported from a file"):
        jobs.job_refresh(articles=[article], user=editor)


def test_only_editors_make_jobs(reviewer):
    with pytest.raises(jobs.JobError, match="Only editors"):
        jobs.job_import_urls(urls=["https://a.example/"], user=reviewer)


def test_monitored_articles_are_checked_with_conditional_requests(
    pages, editor, settings, capsys, django_capture_on_commit_callbacks
):
    from tests.pageserver import Answer

    def unchanged(headers):
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", headers={"ETag": '"v1"'})
        return None

    pages.routes["/story"] = Answer(
        body=PAGE, headers={"Content-Type": "text/html", "ETag": '"v1"'}, when=unchanged
    )
    url = pages.url("/story")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_import_urls(urls=[url], user=editor)
    Article.objects.update(monitored=True, checked_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_monitored")
    assert f": {url}" in capsys.readouterr().out
    check = Job.objects.get(kind=Job.Kind.CHECK)
    assert (check.state, check.items.get().result) == (Job.State.DONE, "unchanged")
    assert check.items.get().message == "not modified since it was last read"
    assert pages.requests[-1][1]["if-none-match"] == '"v1"'
    # Checked just now: not due again before FACTCHECK_MONITOR_MINUTES.
    call_command("check_monitored")
    assert "No monitored article is due." in capsys.readouterr().out
    # The page changes (a new ETag): the next check follows it to a new revision.
    pages.routes["/story"] = Answer(
        body=PAGE.replace(b"12 percent", b"9 percent"),
        headers={"Content-Type": "text/html", "ETag": '"v2"'},
    )
    Article.objects.update(checked_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_check_monitored()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    article = Article.objects.get()
    assert (article.etag, article.revisions.count()) == ('"v2"', 2)
    assert "grew 9 percent" in article.body


@pytest.fixture
def with_a_broker():
    """Celery as with a broker configured (messages sent, not run inline); the test
    replaces ``apply_async`` with what its broker does."""
    from factcheck.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


def stale(job: Job, seconds: int = 1) -> None:
    """The job's lease ran out ``seconds`` ago (its worker vanished)."""
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=seconds))


def test_a_job_the_queue_never_got_waits_queued_and_the_sweep_sends_it(
    pages, editor, monkeypatch, django_capture_on_commit_callbacks, with_a_broker
):
    from kombu.exceptions import OperationalError

    url = pages.page("/one", PAGE)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.run_job, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_import_urls(urls=[url], user=editor)
    job.refresh_from_db()
    assert (job.state, job.sent_at, job.error) == (Job.State.QUEUED, None, jobs.QUEUE_UNREACHABLE)
    assert jobs.sweep_jobs() == (0, 0, 0)  # still down: it waits
    # Retry works on a queued job too (and says it waits).
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(job=job, user=editor)
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.QUEUED, jobs.QUEUE_UNREACHABLE)
    monkeypatch.undo()  # the broker is back (here: inline)
    with_a_broker.conf.task_always_eager = True
    assert jobs.sweep_jobs() == (1, 0, 0)
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (Job.State.DONE, "", 1)
    assert jobs.sweep_jobs() == (0, 0, 0)  # nothing twice
    assert Article.objects.count() == 1


def test_the_sweep_runs_again_a_job_whose_worker_vanished_and_imports_nothing_twice(
    pages, editor, monkeypatch
):
    one, two = pages.page("/one", PAGE), pages.page("/two", WIRE)
    job = jobs.job_import_urls(urls=[one, two], user=editor)  # (not run: no commit here)
    real = jobs.import_source

    def dies_on_the_second(source, **kwargs):
        if source.origin == two:
            raise WorkerKilled
        return real(source, **kwargs)

    monkeypatch.setattr(jobs, "import_source", dies_on_the_second)
    with pytest.raises(WorkerKilled):
        jobs.run(job.pk)
    monkeypatch.setattr(jobs, "import_source", real)
    assert jobs.sweep_jobs() == (0, 0, 0)  # its lease holds: its worker may be working
    stale(job)
    assert jobs.sweep_jobs() == (1, 1, 0)  # queued again, and sent (run inline here)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.lease_until) == (Job.State.DONE, 2, None)
    assert Article.objects.count() == 2
    assert [path for path, _ in pages.requests].count("/one") == 1


def test_a_job_whose_worker_keeps_dying_is_given_up_with_the_reason(pages, editor):
    job = jobs.job_import_urls(urls=[pages.page("/one", PAGE)], user=editor)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=jobs.MAX_ATTEMPTS)
    stale(job)
    assert jobs.sweep_jobs() == (0, 0, 1)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == jobs.GAVE_UP.format(attempts=jobs.MAX_ATTEMPTS)
    assert not Article.objects.exists()


def test_two_sweeps_never_both_send_a_job(pages, editor, monkeypatch, with_a_broker):
    job = jobs.job_import_urls(urls=[pages.page("/one", PAGE)], user=editor)
    sent = []
    monkeypatch.setattr(jobs.run_job, "apply_async", lambda args: sent.append(args))
    assert jobs.send(job) is True
    assert jobs.send(job) is False  # claimed: sent a moment ago
    assert jobs.sweep_jobs() == (0, 0, 0)
    assert sent == [(job.pk,)]


def test_the_sweep_command_says_what_it_did(capsys):
    call_command("sweep")
    assert capsys.readouterr().out.strip() == (
        "0 job(s) sent, 0 stranded job(s) queued again, 0 given up, 0 email(s) sent"
    )


def test_a_second_delivery_of_a_failed_job_does_nothing_until_it_is_retried(pages, editor):
    job = jobs.job_import_urls(urls=[pages.url("/missing")], user=editor)
    assert jobs.run(job.pk) == "failed"
    assert jobs.run(job.pk) == "nothing to do"
    job.refresh_from_db()
    assert job.attempts == 1
