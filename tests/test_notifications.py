"""Notifications: who hears of what, in the app and by email, and who chose not to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from annotations import claims, notifications, workflow
from annotations.models import Notification, NotificationPreference
from tests import factories

pytestmark = pytest.mark.django_db

K = Notification.Kind


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the step and then its on-commit callbacks (the emails), as a real commit would."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def notes(user) -> list[tuple[str, str, str]]:
    """(kind, actor, comment) of the user's notifications, oldest first."""
    rows = Notification.objects.filter(recipient=user).order_by("created_at", "id")
    return [(n.kind, n.actor.username if n.actor else "", n.comment) for n in rows]


def only_email():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


# -- each kind, in the app and by email ----------------------------------------------------


def test_an_article_assignment_tells_the_assignee(committed, article, editor, reviewer):
    committed(workflow.article_assign, article=article, user=editor, assignee=reviewer)
    assert notes(reviewer) == [(K.ARTICLE_ASSIGNED, "editor", "")]
    email = only_email()
    assert email.to == ["reviewer@example.org"]
    assert email.subject == f"[Fact-check desk] Article assigned to you: {article.title[:59]}…"
    assert f"editor assigned you the article “{article.title[:79]}…”." in email.body
    assert f"http://127.0.0.1:8000/articles/{article.pk}/" in email.body


def test_a_claim_assignment_tells_the_editor_asked_to_review(
    committed, article, reviewer, editor, editor2
):
    claim = factories.make_submitted(article, reviewer, text="Exports doubled.")
    committed(workflow.claim_assign, claim=claim, user=editor, assignee=editor2)
    assert notes(editor2) == [(K.CLAIM_ASSIGNED, "editor", "")]
    email = only_email()
    assert email.to == ["editor2@example.org"]
    assert email.subject == "[Fact-check desk] Claim to review: Exports doubled."
    assert f"http://127.0.0.1:8000/admin/annotations/claim/{claim.pk}/change/" in email.body


@pytest.mark.parametrize(
    ("action", "comment", "kind", "subject"),
    [
        ("approve", "", K.APPROVED, "Approved: Exports doubled."),
        ("approve", "Nicely sourced.", K.APPROVED, "Approved: Exports doubled."),
        ("reject", "Not checkable.", K.REJECTED, "Rejected: Exports doubled."),
        ("request_changes", "Add the year.", K.CHANGES_REQUESTED,
         "Changes requested: Exports doubled."),
    ],
)  # fmt: skip
def test_a_decision_tells_the_author_with_the_editors_comment(
    committed, article, reviewer, editor, action, comment, kind, subject
):
    claim = factories.make_submitted(article, reviewer, text="Exports doubled.")
    committed(workflow.claim_transition, claim=claim, user=editor, action=action, comment=comment)
    assert notes(reviewer) == [(kind, "editor", comment)]
    assert notes(editor) == []
    email = only_email()
    assert email.to == ["reviewer@example.org"]
    assert email.subject == f"[Fact-check desk] {subject}"
    if comment:
        assert f"Comment:\n{comment}\n" in email.body
    assert f"/articles/{article.pk}/#claim-{claim.pk}" in email.body
    assert "Choose which notifications are emailed to you: " in email.body
    assert "http://127.0.0.1:8000/notifications/settings/" in email.body


def test_a_retraction_tells_the_author(committed, article, reviewer, editor, editor2):
    claim = factories.make_approved(article, reviewer, editor)
    mail.outbox.clear()
    committed(
        workflow.claim_transition,
        claim=claim,
        user=editor2,
        action="retract",
        comment="The source was misread.",
    )
    assert notes(reviewer)[-1] == (K.RETRACTED, "editor2", "The source was misread.")
    assert only_email().subject.startswith("[Fact-check desk] Retracted: ")


def test_an_editors_change_to_a_claim_under_review_is_a_comment_to_its_author(
    committed, article, reviewer, editor
):
    claim = factories.make_submitted(article, reviewer)
    committed(
        claims.claim_update, claim=claim, user=editor, version=claim.version, rationale="<p>No.</p>"
    )
    assert notes(reviewer) == [(K.COMMENT, "editor", "Changed in review: rationale")]
    email = only_email()
    assert email.subject.startswith("[Fact-check desk] Comment on your claim: ")
    assert "Comment:\nChanged in review: rationale\n" in email.body


def test_a_step_with_a_note_by_someone_else_is_a_comment(committed, article, reviewer, editor):
    claim = factories.make_draft(article, reviewer)
    committed(
        workflow.claim_transition,
        claim=claim,
        user=editor,
        action="submit",
        comment="Submitted for you: it was ready.",
    )
    assert notes(reviewer) == [(K.COMMENT, "editor", "Submitted for you: it was ready.")]


def test_steps_without_a_comment_that_are_no_decision_tell_nobody(
    committed, article, reviewer, editor
):
    claim = factories.make_draft(article, reviewer)
    committed(workflow.claim_transition, claim=claim, user=editor, action="submit")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


# -- nobody hears of their own action --------------------------------------------------------


def test_nobody_is_told_of_their_own_action(committed, article, reviewer, editor, editor2):
    committed(workflow.article_assign, article=article, user=editor, assignee=editor)
    own = factories.make_submitted(article, editor)
    own = committed(workflow.claim_assign, claim=own, user=editor, assignee=editor)
    committed(claims.claim_update, claim=own, user=editor, version=own.version, text="Mine")
    draft = factories.make_draft(article, reviewer, n=1)
    committed(claims.claim_update, claim=draft, user=reviewer, version=draft.version, text="Me")
    retracted = factories.in_state("retracted", article, reviewer, editor, article.body[:30])
    Notification.objects.all().delete()
    mail.outbox.clear()
    committed(workflow.claim_transition, claim=retracted, user=reviewer, action="reopen",
              comment="Reopening to fix the verdict.")  # fmt: skip
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_assigning_the_same_person_again_tells_them_once(committed, article, editor, reviewer):
    for _ in range(2):
        committed(workflow.article_assign, article=article, user=editor, assignee=reviewer)
    assert len(notes(reviewer)) == 1
    assert len(mail.outbox) == 1


def test_unassigning_tells_nobody(committed, article, editor, reviewer):
    committed(workflow.article_assign, article=article, user=editor, assignee=reviewer)
    committed(workflow.article_assign, article=article, user=editor, assignee=None)
    assert len(notes(reviewer)) == 1


def test_an_assignment_on_the_article_form_tells_the_assignee(
    client, committed, article, editor, reviewer
):
    client.force_login(editor)
    url = reverse("admin:annotations_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(assignee=reviewer.pk, queue_status="new", priority=2)
    response = committed(client.post, url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert notes(reviewer) == [(K.ARTICLE_ASSIGNED, "editor", "")]
    assert len(mail.outbox) == 1


# -- email: after the commit, once, unless turned off -----------------------------------------


def test_the_email_waits_for_the_commit_and_a_rollback_sends_nothing(
    django_capture_on_commit_callbacks, article, reviewer, editor
):
    claim = factories.make_submitted(article, reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.claim_transition(claim=claim, user=editor, action="approve")
    assert mail.outbox == []  # not sent inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1

    other = factories.make_submitted(article, reviewer, n=1)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.claim_transition(claim=other, user=editor, action="approve")
        raise RuntimeError("something later in the request failed")
    assert Notification.objects.filter(claim=other).count() == 0
    assert len(mail.outbox) == 1


def test_delivery_sends_once_however_often_it_runs(committed, article, reviewer, editor):
    claim = factories.make_submitted(article, reviewer)
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    notification = Notification.objects.get(recipient=reviewer)
    assert notification.emailed_at is not None
    assert notifications.deliver(notification.pk) is False
    assert notifications.deliver(999_999) is False
    assert len(mail.outbox) == 1


def test_a_mail_server_that_fails_neither_undoes_the_step_nor_loses_the_email(
    committed, monkeypatch, article, reviewer, editor
):
    claim = factories.make_submitted(article, reviewer)

    def refuse(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    claim.refresh_from_db()
    assert claim.status == "approved"
    notification = Notification.objects.get(recipient=reviewer)
    assert notification.emailed_at is None  # released: a retry sends it
    monkeypatch.undo()
    assert notifications.deliver(notification.pk) is True
    assert len(mail.outbox) == 1


def test_a_kind_turned_off_is_not_emailed_but_still_listed(committed, article, reviewer, editor):
    notifications.set_email_preferences(
        user=reviewer, emailed={k for k in K.values if k != K.APPROVED}
    )
    approved = factories.make_submitted(article, reviewer)
    committed(workflow.claim_transition, claim=approved, user=editor, action="approve")
    assert notes(reviewer) == [(K.APPROVED, "editor", "")]
    assert mail.outbox == []
    sent_back = factories.make_submitted(article, reviewer, n=1)
    committed(workflow.claim_transition, claim=sent_back, user=editor,
              action="request_changes", comment="Add the year.")  # fmt: skip
    assert [m.subject for m in mail.outbox] == [
        f"[Fact-check desk] Changes requested: {sent_back.claim}"
    ]


def test_nobody_without_an_email_address_is_emailed(committed, article, reviewer, editor):
    reviewer.email = ""
    reviewer.save()
    claim = factories.make_submitted(article, reviewer)
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    assert len(notes(reviewer)) == 1
    assert mail.outbox == []


def test_the_email_links_to_the_desk_base_url(committed, settings, article, editor, reviewer):
    settings.FACTCHECK_DESK_BASE_URL = "https://desk.example.org/"
    committed(workflow.article_assign, article=article, user=editor, assignee=reviewer)
    assert f"Open it: https://desk.example.org/articles/{article.pk}/\n" in only_email().body


# -- the pages ------------------------------------------------------------------------------


@pytest.fixture
def three(committed, article, reviewer, editor):
    """Three notifications for the reviewer, newest last."""
    committed(workflow.article_assign, article=article, user=editor, assignee=reviewer)
    for n, action in enumerate(["approve", "reject"]):
        claim = factories.make_submitted(article, reviewer, n=n, text=f"Claim {n}")
        committed(workflow.claim_transition, claim=claim, user=editor, action=action,
                  comment="Not checkable." if action == "reject" else "")  # fmt: skip
    return list(Notification.objects.filter(recipient=reviewer))


def test_the_list_shows_each_notification_with_an_unread_marker(client, reviewer, three):
    client.force_login(reviewer)
    response = client.get(reverse("annotations:notifications"))
    html = response.content.decode()
    assert [s.headline for s in response.context["shown"]] == [
        "editor rejected your claim “Claim 1”.",
        "editor approved your claim “Claim 0”: it is published.",
        f"editor assigned you the article “{three[-1].article.title[:79]}…”.",
    ]
    assert html.count('class="notification unread"') == 3
    assert "Not checkable." in html
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in html


def test_opening_one_marks_it_read_and_goes_where_it_leads(client, reviewer, three):
    newest = three[0]
    client.force_login(reviewer)
    url = reverse("annotations:notification-read", args=[newest.pk])
    response = client.post(url, {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{newest.article_id}/#claim-{newest.claim_id}"
    newest.refresh_from_db()
    assert newest.read_at is not None
    html = client.get(reverse("annotations:notifications")).content.decode()
    assert html.count('class="notification unread"') == 2


def test_mark_one_and_mark_all_as_read(client, reviewer, three):
    client.force_login(reviewer)
    client.post(reverse("annotations:notification-read", args=[three[1].pk]))
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    response = client.post(reverse("annotations:notifications-read-all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert "unread</span>" not in response.content.decode()


def test_nobody_reads_or_marks_someone_elses_notifications(client, reviewer2, three):
    client.force_login(reviewer2)
    url = reverse("annotations:notification-read", args=[three[0].pk])
    assert client.post(url).status_code == 404
    client.post(reverse("annotations:notifications-read-all"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    assert client.get(reverse("annotations:notifications")).context["shown"] == []
    assert client.get(url).status_code == 405  # reading changes state: POST only


def test_the_notification_pages_need_a_log_in(client):
    for url in [reverse("annotations:notifications"), reverse("annotations:notification-settings")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_preferences_page_turns_email_off_per_kind(client, reviewer):
    client.force_login(reviewer)
    url = reverse("annotations:notification-settings")
    form = client.get(url).context["form"]
    assert all(form.initial[kind] for kind in K.values)  # everything emailed at first
    wanted = {kind: "on" for kind in K.values if kind not in (K.APPROVED, K.COMMENT)}
    response = client.post(url, wanted, follow=True)
    assert "Saved: you get email for the kinds ticked" in response.content.decode()
    assert notifications.muted_kinds(reviewer) == {K.APPROVED, K.COMMENT}
    assert not response.context["form"].initial[K.APPROVED]
    assert NotificationPreference.objects.filter(user=reviewer).count() == len(K.values)
    client.post(url, {kind: "on" for kind in K.values})
    assert notifications.muted_kinds(reviewer) == set()


def test_a_claim_with_line_breaks_makes_a_one_line_subject(committed, article, reviewer, editor):
    claim = factories.make_submitted(article, reviewer, text="Exports\r\ndoubled\nBcc: x@evil.org")
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    assert only_email().subject == "[Fact-check desk] Approved: Exports doubled Bcc: x@evil.org"


# -- the sweep: emails whose job never ran ---------------------------------------------------


def aged(notification: Notification, by) -> None:
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - by)


def test_an_email_whose_job_never_ran_is_sent_by_the_sweep_once(
    committed, monkeypatch, article, reviewer, editor
):
    from kombu.exceptions import OperationalError

    def broker_down(notification_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(notifications, "schedule_delivery", broker_down)
    claim = factories.make_submitted(article, reviewer)
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    claim.refresh_from_db()
    assert claim.status == "approved"  # the step is committed (the hook is robust)
    notification = Notification.objects.get(recipient=reviewer)
    assert (notification.email_due, mail.outbox) == (True, [])
    assert notifications.send_unsent() == 0  # too fresh: its own job has the first chance
    aged(notification, timedelta(minutes=2))
    assert notifications.send_unsent() == 1
    assert notifications.send_unsent() == 0
    assert notifications.deliver(notification.pk) is False  # its job, late, sends nothing
    notification.refresh_from_db()
    assert notification.email_due is False and notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == [f"[Fact-check desk] Approved: {claim.claim}"]


def test_the_sweep_leaves_a_failing_mail_server_for_later_and_old_emails_alone(
    committed, monkeypatch, article, reviewer, editor
):
    monkeypatch.setattr(notifications, "schedule_delivery", lambda pk: None)  # never sent
    first, second = (factories.make_submitted(article, reviewer, n=n) for n in (0, 1))
    for claim in (first, second):
        committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    old, recent = Notification.objects.order_by("pk")
    aged(old, notifications.EMAIL_GIVE_UP_AFTER + timedelta(minutes=1))
    aged(recent, timedelta(minutes=2))

    def refuse(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    assert notifications.send_unsent() == 0
    monkeypatch.setattr(notifications, "send_mail", mail.send_mail)
    assert notifications.send_unsent() == 1
    assert [m.subject for m in mail.outbox] == [f"[Fact-check desk] Approved: {second.claim}"]
    old.refresh_from_db()
    assert (old.email_due, old.emailed_at) == (False, None)


def test_an_email_nobody_wants_is_no_longer_due(committed, article, reviewer, editor):
    notifications.set_email_preferences(user=reviewer, emailed=set())
    claim = factories.make_submitted(article, reviewer)
    committed(workflow.claim_transition, claim=claim, user=editor, action="approve")
    notification = Notification.objects.get(recipient=reviewer)
    assert (notification.email_due, notification.emailed_at) == (False, None)
    assert mail.outbox == []
