"""Faults lose nothing and need no hand (issue 22): each test really stops a service.

- the broker (a Redis of the test's own) is killed while an editor starts a URL import,
  and while a step makes a notification; it comes back, and beat's sweep finishes both;
- a Celery worker is killed with SIGKILL in the middle of a job; a new worker runs the
  rest once its lease has run out, importing nothing twice;
- PostgreSQL (a cluster of the test's own) is restarted in the middle of a job, and in
  the middle of a request, and stopped under gunicorn with debug off: the request gets a
  503 with Retry-After (a page, or JSON), nothing is half-written, the job finishes.

Workers and beat run as processes of their own (``tests/services.py``), reading the
database the test reads. Each test adds to the suite's figure "faults survived": one
tried when it starts, one survived when its last assertion held.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.urls import reverse

from annotations import jobs, notifications, workflow
from annotations.models import Article, Job, Notification
from factcheck.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE
from tests import factories, figures
from tests.services import Celery, Postgres, Redis, app_env, wait_until
from tests.test_production import SETUP, gunicorn, manage, production_env

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
PAGE = (PAGES / "news_article.html").read_bytes()
WIRE = (PAGES / "wire_story.html").read_bytes()
# Short enough for a test, in the order the settings demand (lease > one address's fetch).
FAST = {
    "FACTCHECK_FETCH_TOTAL_SECONDS": "3",
    "FACTCHECK_FETCH_TIMEOUT": "2",
    "FACTCHECK_JOB_LEASE_SECONDS": "4",
    "FACTCHECK_SWEEP_EVERY_SECONDS": "1",
    "FACTCHECK_FETCH_ALLOW_PRIVATE": "true",
}


def tried() -> None:
    figures.add("faults survived", tried=1)


def survived() -> None:
    figures.add("faults survived", survived=1)


def suite_database_url() -> str:
    """The database this test reads, as DATABASE_URL for a worker's process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Broker:
    """The test's Redis as Celery's broker, in this process and in its workers' and beat's."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.redis = Redis(folder).start()
        self.env = app_env(CELERY_BROKER_URL=self.redis.url, DATABASE_URL=database_url, **FAST)
        self.processes: list[Celery] = []

    def worker(self, name: str = "worker") -> Celery:
        process = Celery("worker", self.env, self.folder / f"{name}.log")
        self.processes.append(process)
        return process.start()

    def beat(self) -> Celery:
        process = Celery("beat", self.env, self.folder / "beat.log")
        self.processes.append(process)
        return process.start()

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.redis.kill()


@pytest.fixture
def broker(tmp_path, settings):
    """Our own Redis as the broker of this process's Celery app (messages are sent, not
    run inline), with the short lease and sweep the workers get too."""
    from factcheck.celery import app

    settings.FACTCHECK_JOB_LEASE_SECONDS = int(FAST["FACTCHECK_JOB_LEASE_SECONDS"])
    broker = Broker(tmp_path, suite_database_url())
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker.redis.url, task_always_eager=False)
    forget_connections(app)
    yield broker
    broker.close()
    app.conf.update(saved)
    forget_connections(app)
    close_old_connections()


def forget_connections(app) -> None:
    """Celery keeps its connection and producer pools when broker_url changes: drop them,
    as Celery itself does after a fork, so messages go to this test's broker."""
    app._pool = None
    app.amqp._producer_pool = None


def wait_for_end(job: Job, seconds: float = 60) -> Job:
    def ended():
        job.refresh_from_db()
        return job.state in (Job.State.DONE, Job.State.FAILED)

    wait_until(ended, seconds, f"{job} finishing")
    return job


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- the broker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_broker_down_when_an_editor_starts_a_url_import(broker, client, editor, pages):
    tried()
    broker.beat()
    broker.worker()
    one = pages.page("/one", PAGE)
    client.force_login(editor)
    broker.redis.kill()
    began = time.perf_counter()
    response = client.post(
        reverse("admin:annotations_article_import_urls"), {"urls": one}, follow=True
    )
    took = time.perf_counter() - began
    job = Job.objects.get()
    assert response.status_code == 200  # the job's page, not a server error
    assert messages_of(response) == [f"{job}: {jobs.QUEUE_UNREACHABLE}"]
    assert (job.state, job.sent_at, job.error) == (Job.State.QUEUED, None, jobs.QUEUE_UNREACHABLE)
    # Retry takes a job that is only queued, and says the same.
    response = client.post(
        reverse("admin:annotations_job_changelist"),
        {"action": "retry", "_selected_action": [job.pk]},
        follow=True,
    )
    assert messages_of(response) == [f"{job}: {jobs.QUEUE_UNREACHABLE}"]
    broker.redis.start()  # back, empty: beat's next sweep sends the job, the worker runs it
    job = wait_for_end(job)
    assert (job.state, job.attempts, job.error) == (Job.State.DONE, 1, "")
    assert Article.objects.count() == 1
    assert [path for path, _ in pages.requests].count("/one") == 1
    print(f"broker down: the import request answered in {took:.2f} s")
    survived()


@pytest.mark.django_db(transaction=True)
def test_broker_down_when_a_notification_is_made(broker, seed_articles, reviewer, editor):
    tried()
    worker = broker.worker()
    broker.beat()
    claim = factories.make_submitted(seed_articles["000"], reviewer, text="Exports doubled.")
    broker.redis.kill()
    began = time.perf_counter()
    workflow.claim_transition(claim=claim, user=editor, action="approve")
    took = time.perf_counter() - began
    claim.refresh_from_db()
    assert claim.status == "approved"  # the step committed
    notification = Notification.objects.get(recipient=reviewer)
    assert (notification.email_due, notification.emailed_at) == (True, None)
    # Its own job's chance has passed (the sweep leaves a fresh one to it).
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at - 2 * notifications.EMAIL_SWEEP_AFTER
    )
    broker.redis.start()

    def emailed() -> bool:
        notification.refresh_from_db()
        return notification.emailed_at is not None

    wait_until(emailed, 60, "the sweep emailing the notification")
    # A late delivery of its own job, and another sweep here: neither sends it again.
    notifications.deliver_notification.delay(notification.pk)
    call_command("sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
    marker = factories.make_submitted(seed_articles["001"], reviewer, text="Marker.")
    workflow.claim_transition(claim=marker, user=editor, action="approve")  # after it, in order
    wait_until(lambda: worker.log.read_text().count("To: reviewer@example.org") >= 2, 30, "mail")
    time.sleep(0.5)
    sent = worker.log.read_text()
    assert sent.count("To: reviewer@example.org") == 2
    assert sent.count("Subject: [Fact-check desk] Approved: Exports doubled.") == 1
    assert mail.outbox == []  # this process sent nothing
    print(f"broker down: the approval answered in {took:.2f} s")
    survived()


# -- the worker -----------------------------------------------------------------------------


def held(pages, path: str, body: bytes) -> threading.Event:
    """``path`` answers ``body`` only once the returned gate is opened (or 2 s later)."""
    gate = threading.Event()
    pages.page(path, body)
    pages.routes[path].when = lambda headers: gate.wait(2) and None
    return gate


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job(broker, pages, editor):
    tried()
    broker.beat()
    first = broker.worker("first")
    one = pages.page("/one", PAGE)
    gate = held(pages, "/two", WIRE)
    job = jobs.job_import_urls(urls=[one, pages.url("/two")], user=editor)
    wait_until(lambda: "/two" in [p for p, _ in pages.requests], 30, "the worker reading /two")
    first.kill()  # SIGKILL, while it reads the second address: the job is running
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert list(job.items.order_by("position").values_list("state", flat=True)) == [
        "done", "pending",
    ]  # fmt: skip
    gate.set()
    broker.worker("second")  # comes back; the sweep queues the job once its lease runs out
    job = wait_for_end(job)
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert Article.objects.count() == 2  # each address imported once
    reads = [path for path, _ in pages.requests]
    assert (reads.count("/one"), reads.count("/two")) == (1, 2)
    survived()


# -- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """Our own PostgreSQL cluster, migrated, with a reviewer (a session and a token) and
    one seed article (tests/test_production.py's SETUP), and the static files collected
    (the 503 page is a page of the site)."""
    cluster = Postgres().create()
    folder = tmp_path_factory.mktemp("faults-pg")
    env = production_env(folder)
    env["DATABASE_URL"] = cluster.url
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        cluster.site = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        cluster.env = env
        yield cluster
    finally:
        cluster.remove()


def call(url: str, data: dict | None = None, **headers: str) -> tuple[int, dict, bytes]:
    body = json.dumps(data).encode() if data is not None else None
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_postgresql_restarting_during_a_request(postgres, tmp_path):
    tried()
    site = postgres.site
    token = {"Authorization": f"Token {site['token']}"}
    cookie = {"Cookie": f"sessionid={site['session']}"}
    env = {**postgres.env, "DATABASE_CONN_MAX_AGE": "60"}  # kept connections, health-checked
    with postgres.connect() as db:
        body = db.execute("SELECT body FROM annotations_article").fetchone()[0]
    exact = body[:40].strip()
    claim = {
        "start": body.index(exact), "end": body.index(exact) + len(exact), "exact": exact,
        "verdict": "mostly-false", "rationale": "Why.",
        "sources": [{"url": "https://example.org/a", "title": "A", "stance": "refutes"}],
    }  # fmt: skip
    create = f"/api/v1/workspace/articles/{site['article']}/claims/"
    with gunicorn(env, tmp_path / "gunicorn.log") as base:
        assert call(base + "/api/v1/articles/", **token)[0] == 200
        # Stopped: a page and the API say "briefly unavailable", with Retry-After.
        postgres.stop()
        status, headers, answer = call(base + "/api/v1/articles/", **token)
        assert (status, headers["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
        assert json.loads(answer) == {"detail": UNAVAILABLE}
        status, headers, page = call(base + "/articles/", **cookie)
        assert (status, headers["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
        assert headers["Content-Type"].startswith("text/html")
        assert "The service is briefly unavailable" in page.decode()
        postgres.start()
        # Back: the first request finds its kept connection dead, and makes a new one.
        assert call(base + "/api/v1/articles/", **token)[0] == 200
        # Restarted while a claim is half-written: its claim and appearance rows are in,
        # its sources wait on a lock when the server restarts.
        locker = postgres.connect()
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE annotations_source IN ACCESS EXCLUSIVE MODE")
        answers: list[tuple[int, dict, bytes]] = []
        writer = threading.Thread(
            target=lambda: answers.append(call(base + create, claim, **token))
        )
        writer.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        wait_until(lambda: locker.execute(waiting).fetchone()[0], 30, "the insert waiting")
        # A crash-restart: a fast one ends the lock's holder first, now and then early
        # enough for the insert to get its lock and the claim to commit before its own
        # connection is cut (then the 503 comes from reading it back, and nothing was
        # half-written either, but nothing was cut mid-write).
        postgres.restart(mode="immediate")
        writer.join(60)
        locker.close()
        status, headers, answer = answers[0]
        assert (status, headers["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
        assert json.loads(answer) == {"detail": UNAVAILABLE}
        with postgres.connect() as db:
            counts = [
                db.execute(f"SELECT count(*) FROM annotations_{table}").fetchone()[0]  # noqa: S608
                for table in ("claim", "appearance", "source")
            ]
        assert counts == [0, 0, 0]  # nothing half-written
        assert call(base + create, claim, **token)[0] == 201  # and sent again, it is saved
    survived()


def test_postgresql_restarted_mid_job(postgres, tmp_path, pages):
    tried()
    broker = Broker(tmp_path, postgres.url)
    try:
        broker.beat()
        broker.worker()
        one = pages.page("/one", PAGE)
        gate = held(pages, "/two", WIRE)
        make = (
            "from annotations import jobs; "
            f"print(jobs.job_import_urls(urls=[{one!r}, {pages.url('/two')!r}], user=None).pk)"
        )
        job = int(manage(broker.env, "shell", "-c", make).strip().splitlines()[-1])
        wait_until(lambda: "/two" in [p for p, _ in pages.requests], 30, "the worker reading /two")
        postgres.restart()  # the worker's connection is cut while it reads the second address
        gate.set()
        ask = "SELECT state, attempts FROM annotations_job WHERE id = %s"

        def ended():
            with postgres.connect() as db:
                state, attempts = db.execute(ask, [job]).fetchone()
            return (state, attempts) if state in ("done", "failed") else None

        assert wait_until(ended, 60, "the job finishing") == ("done", 2)
        with postgres.connect() as db:
            imported = db.execute(
                "SELECT count(*) FROM annotations_article WHERE origin LIKE %s", [pages.base + "%"]
            ).fetchone()[0]
        assert imported == 2
        reads = [path for path, _ in pages.requests]
        assert (reads.count("/one"), reads.count("/two")) == (1, 2)
    finally:
        broker.close()
    survived()
