"""Telling people when work reaches them: a notification in the app, and an email.

The one place notifications are made. ``workflow.py`` calls it for transitions and
assignments and ``claims.py`` for recorded edits, inside their transactions, so a
notification exists exactly when the step it tells of was committed. The email goes
after the commit, by a background job (``deliver_notification``, inline when no
broker is configured) calling ``deliver``, and goes once: ``emailed_at`` is claimed
before sending. An email whose job never ran (the broker was down when the step
committed) is still due (``email_due``): ``send_unsent``, called by the periodic sweep
(``jobs.sweep``), sends it then, through the same claim, so never twice. A sender killed
between the claim and the mail server's answer loses that one email rather than risk
sending it twice.

Who hears: the author of a claim for decisions on it (approved, rejected, changes
requested, retracted) and for comments or changes by someone else; the assignee for an
assignment. Nobody is told of their own action.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from annotations.models import Article, Claim, Notification, NotificationPreference

log = logging.getLogger(__name__)

K = Notification.Kind

# A decision on a claim tells its author, with the editor's comment.
DECISIONS = {
    "approve": K.APPROVED,
    "reject": K.REJECTED,
    "request_changes": K.CHANGES_REQUESTED,
    "retract": K.RETRACTED,
}

# What happened, in one sentence: the list in the app and the email say the same.
HEADLINES: dict[str, str] = {
    K.ARTICLE_ASSIGNED: "{actor} assigned you the article “{article}”.",
    K.CLAIM_ASSIGNED: "{actor} asked you to review the claim “{claim}”.",
    K.CHANGES_REQUESTED: "{actor} requested changes on your claim “{claim}”.",
    K.APPROVED: "{actor} approved your claim “{claim}”: it is published.",
    K.REJECTED: "{actor} rejected your claim “{claim}”.",
    K.RETRACTED: "{actor} retracted your published claim “{claim}”.",
    K.COMMENT: "{actor} commented on your claim “{claim}”.",
}
SUBJECTS: dict[str, str] = {
    K.ARTICLE_ASSIGNED: "Article assigned to you: {article}",
    K.CLAIM_ASSIGNED: "Claim to review: {claim}",
    K.CHANGES_REQUESTED: "Changes requested: {claim}",
    K.APPROVED: "Approved: {claim}",
    K.REJECTED: "Rejected: {claim}",
    K.RETRACTED: "Retracted: {claim}",
    K.COMMENT: "Comment on your claim: {claim}",
}
SUBJECT_PREFIX = "[Fact-check desk] "
EMAIL_FOOTER = (
    "You receive this email because you work on the fact-check desk. Choose which "
    "notifications are emailed to you: {settings_url}"
)
SOMEONE = "Someone"
# The sweep sends an email its job did not once it is this old (the job's own chance
# first), and lets it go when it is older than two days: so late, it would mislead.
EMAIL_SWEEP_AFTER = timedelta(minutes=1)
EMAIL_GIVE_UP_AFTER = timedelta(days=2)
EMAIL_SWEEP_BATCH = 200
# Where links in emails point when no setting says (the address `make run` serves).
FALLBACK_BASE = "http://127.0.0.1:8000"


def unread(user) -> Q:
    """The user's notifications not yet read (the header's count, the list's marker)."""
    return Q(recipient=user, read_at__isnull=True)


# -- made by the rules layer ------------------------------------------------------------


def claim_transitioned(*, claim: Claim, actor, action: str, comment: str = "") -> None:
    """A decision tells the author; any other step carrying a comment by someone else
    (an editor submitting or reopening it with a note) is a comment on their claim."""
    kind = DECISIONS.get(action)
    if kind is None and (comment or "").strip():
        kind = K.COMMENT
    if kind is not None:
        _notify(recipient=claim.author, kind=kind, actor=actor, claim=claim, comment=comment)


def claim_edited(*, claim: Claim, actor, comment: str) -> None:
    """A recorded edit by someone other than the author: its note names what changed."""
    _notify(recipient=claim.author, kind=K.COMMENT, actor=actor, claim=claim, comment=comment)


def claim_assigned(*, claim: Claim, actor, assignee) -> None:
    _notify(recipient=assignee, kind=K.CLAIM_ASSIGNED, actor=actor, claim=claim)


def article_assigned(*, article: Article, actor, assignee) -> None:
    _notify(recipient=assignee, kind=K.ARTICLE_ASSIGNED, actor=actor, article=article)


def _notify(*, recipient, kind: str, actor, claim=None, article=None, comment: str = "") -> None:
    if recipient is None or not recipient.is_active:
        return
    if actor is not None and actor.pk == recipient.pk:
        return  # nobody is told of their own action
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        claim=claim,
        article=article if article is not None else getattr(claim, "article", None),
        comment=(comment or "").strip(),
    )
    pk = notification.pk

    def send_after_commit() -> None:
        schedule_delivery(pk)

    # robust: the step is committed; a mail server that is down must not turn it into an
    # error (Django logs it). A function, not a partial: Django logs its __qualname__.
    transaction.on_commit(send_after_commit, robust=True)


def schedule_delivery(notification_id: int) -> None:
    """Hand the email to a background job (``deliver_notification``): a worker sends it
    where a broker is configured, else it is sent here and now. A broker that cannot be
    reached raises here, in the step's robust on-commit hook (logged): the email stays
    due and the sweep sends it."""
    deliver_notification.delay(notification_id)


# -- the email --------------------------------------------------------------------------


def deliver(notification_id: int) -> bool:
    """Email one notification, once, unless its recipient turned that kind off.

    Idempotent (a job and the sweep may both run it): ``emailed_at`` is claimed by one
    conditional UPDATE before sending and released if sending fails, so a retry sends it
    then. An email nobody wants is no longer due. Returns whether an email went out.
    """
    notification = (
        Notification.objects.select_related("recipient", "actor", "claim", "article")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    mine = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email and wants_email(recipient, notification.kind)):
        mine.update(email_due=False)
        return False
    if not mine.update(emailed_at=timezone.now(), email_due=False):
        return False
    try:
        send_mail(
            subject=subject(notification),
            message=email_body(notification),
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=[recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None, email_due=True)
        raise
    return True


# Notification emails: a mail server that fails is tried again later, this many times.
EMAIL_RETRIES = 5
EMAIL_RETRY_SECONDS = 60


# Its name says where it lived first: queued messages and workers know it by that name.
@shared_task(name="annotations.jobs.deliver_notification", bind=True, acks_late=True)
def deliver_notification(self, notification_id: int) -> str:
    """Email one notification (``deliver``: once, whatever the deliveries).

    On a worker, a failing mail server is retried with a growing delay; run inline (no
    broker) the error goes back to the step's on-commit hook, which logs it, rather than
    keeping a request waiting through retries.
    """
    try:
        return "sent" if deliver(notification_id) else "nothing to send"
    except Exception as exc:
        if self.request.is_eager or self.request.retries >= EMAIL_RETRIES:
            raise
        raise self.retry(exc=exc, countdown=EMAIL_RETRY_SECONDS * 2**self.request.retries) from exc


def send_unsent() -> int:
    """The sweep's part: email the notifications still due whose job did not (older
    than EMAIL_SWEEP_AFTER), each through ``deliver``'s claim; how many went out. A mail
    server that fails leaves them due for the next sweep."""
    now = timezone.now()
    due = Notification.objects.filter(email_due=True)
    due.filter(created_at__lt=now - EMAIL_GIVE_UP_AFTER).update(email_due=False)
    sent = 0
    ids = due.filter(created_at__lt=now - EMAIL_SWEEP_AFTER).order_by("created_at", "pk")
    for pk in ids.values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH]:
        try:
            sent += deliver(pk)
        except Exception:
            log.exception("notification %s: the email could not be sent; the next sweep tries", pk)
            break  # the mail server is down: don't wait on it for every email
    return sent


def wants_email(user, kind: str) -> bool:
    """Email is on for every kind until the person turns it off."""
    return not NotificationPreference.objects.filter(user=user, kind=kind, email=False).exists()


def muted_kinds(user) -> set[str]:
    return set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )


def set_email_preferences(*, user, emailed: set[str]) -> None:
    """Email ``user`` the kinds in ``emailed`` and none of the others."""
    with transaction.atomic():
        for kind in K.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": kind in emailed}
            )


# -- words ------------------------------------------------------------------------------


def _name(user) -> str:
    if user is None:
        return SOMEONE
    return user.get_full_name() or user.get_username()


def _words(notification: Notification, length: int) -> dict[str, str]:
    claim = notification.claim
    article = notification.article
    return {
        "actor": _name(notification.actor),
        "claim": Truncator(claim.claim).chars(length) if claim else "",
        "article": Truncator(article.title).chars(length) if article else "",
    }


def headline(notification: Notification) -> str:
    return HEADLINES[notification.kind].format(**_words(notification, 80))


def subject(notification: Notification) -> str:
    text = SUBJECTS[notification.kind].format(**_words(notification, 60))
    return SUBJECT_PREFIX + " ".join(text.split())  # no line breaks in a header


def target_path(notification: Notification) -> str:
    """Where the notification leads: the claim on the desk or in the workspace, the article."""
    if notification.kind == K.CLAIM_ASSIGNED and notification.claim_id:
        return reverse("admin:annotations_claim_change", args=[notification.claim_id])
    if notification.claim_id:
        return reverse("annotations:article-detail", args=[notification.article_id]) + (
            f"#claim-{notification.claim_id}"
        )
    if notification.article_id:
        return reverse("annotations:article-detail", args=[notification.article_id])
    return reverse("annotations:notifications")


def desk_base() -> str:
    configured = settings.FACTCHECK_DESK_BASE_URL or settings.FACTCHECK_PUBLIC_BASE_URL
    return (configured or FALLBACK_BASE).rstrip("/")


def email_body(notification: Notification) -> str:
    base = desk_base()
    lines = [headline(notification), ""]
    if notification.article:
        lines += [f"Article: {notification.article.title}", ""]
    if notification.comment:
        lines += ["Comment:", notification.comment, ""]
    lines += [f"Open it: {base}{target_path(notification)}", ""]
    settings_url = base + reverse("annotations:notification-settings")
    lines.append(EMAIL_FOOTER.format(settings_url=settings_url))
    return "\n".join(lines) + "\n"


# -- read by the faces ------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One notification as a list shows it."""

    notification: Notification
    headline: str
    url: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def for_list(notifications: QuerySet) -> list[Shown]:
    rows = notifications.select_related("actor", "claim", "article").defer(
        "article__body", "article__raw_text"
    )
    return [Shown(n, headline(n), target_path(n)) for n in rows]


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; how many changed."""
    mine = Notification.objects.filter(unread(user))
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
    return mine.update(read_at=timezone.now())
