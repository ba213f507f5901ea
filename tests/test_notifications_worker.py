"""Notification emails through a real Celery worker on a real broker (Redis).

Skipped unless FACTCHECK_TEST_BROKER_URL names a broker (`.ci/run` sets it). The step
commits, its on-commit hook enqueues ``notifications.deliver_notification``, and the worker (a
thread of this process, with Django's test outbox) sends the email; the test waits for
``emailed_at``, which only the worker writes.
"""

from __future__ import annotations

import time

import pytest
from django.core import mail

from annotations import notifications, workflow
from annotations.models import Notification
from tests import factories
from tests.test_jobs_worker import BROKER, worker  # noqa: F401 - the worker fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="set FACTCHECK_TEST_BROKER_URL to run a real worker"),
]


def wait_for_email(notification: Notification, seconds: float = 30) -> Notification:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at is not None:
            return notification
        time.sleep(0.05)
    raise AssertionError(f"the worker did not email notification {notification.pk}")


def test_a_worker_emails_a_decision_once_however_often_it_is_delivered(
    worker,  # noqa: F811
    seed_articles,
    reviewer,
    editor,
):
    claim = factories.make_submitted(seed_articles["000"], reviewer, text="Exports doubled.")
    workflow.claim_transition(claim=claim, user=editor, action="approve")
    notification = wait_for_email(Notification.objects.get(recipient=reviewer))
    notifications.deliver_notification.delay(notification.pk)  # the broker delivers it again
    # A later notification's email comes after that redelivery (one worker, in order).
    workflow.article_assign(article=seed_articles["001"], user=editor, assignee=reviewer)
    wait_for_email(Notification.objects.get(recipient=reviewer, kind="article_assigned"))
    assert [m.subject for m in mail.outbox] == [
        "[Fact-check desk] Approved: Exports doubled.",
        f"[Fact-check desk] Article assigned to you: {seed_articles['001'].title[:59]}…",
    ]
