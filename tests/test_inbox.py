"""My work: what waits for each person, by the same definitions as the desk's filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import bounded, desk, workflow
from annotations.bounded import Tally
from annotations.models import Article, Claim
from tests import factories

pytestmark = pytest.mark.django_db

HOME = "/"
CHANGELIST = reverse("admin:annotations_claim_changelist")


@pytest.fixture
def day(seed_articles, reviewer, reviewer2, editor, editor2):
    """A working day: articles assigned, claims in review, sent back and drafted."""
    a, b, c = seed_articles["000"], seed_articles["001"], seed_articles["002"]
    workflow.article_assign(article=a, user=editor, assignee=reviewer)
    workflow.article_assign(article=b, user=editor, assignee=reviewer)
    Article.objects.filter(pk=b.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    workflow.article_assign(article=c, user=editor, assignee=reviewer2)
    older = factories.make_submitted(a, reviewer, n=0, text="Older submission")
    newer = factories.make_submitted(a, reviewer2, n=1, text="Newer submission")
    Claim.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    sent_back = workflow.claim_transition(
        claim=factories.make_submitted(a, reviewer, n=2, text="Sent back"),
        user=editor2,
        action="request_changes",
        comment="Name the quarter.\nAnd cite the filing.",
    )
    return {
        "older": older,
        "newer": newer,
        "sent_back": sent_back,
        "draft": factories.make_draft(b, reviewer, n=0, text="My draft"),
        "others_draft": factories.make_draft(b, reviewer2, n=1, text="Their draft"),
        "editors_own": factories.make_submitted(b, editor, n=2, text="Editor's own"),
        "for_editor2": workflow.claim_assign(
            claim=factories.make_submitted(c, reviewer2, n=0, text="For editor2"),
            user=editor,
            assignee=editor2,
        ),
        "articles": (a, b, c),
    }


def test_a_visitor_at_the_root_is_led_to_the_published_checks(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("checks:list")


def test_a_reviewers_work(client, reviewer, day):
    client.force_login(reviewer)
    response = client.get(HOME)
    work = response.context["work"]
    a, b, _ = day["articles"]
    assert [x.pk for x in work.articles] == [b.pk, a.pk]  # the overdue one first
    assert [(s.claim.pk, s.comment, s.by) for s in work.sent_back] == [
        (day["sent_back"].pk, "Name the quarter.\nAnd cite the filing.", "editor2")
    ]
    assert [c.pk for c in work.drafts] == [day["draft"].pk]
    assert work.to_review is None  # not an editor: nothing waits for their decision
    counts = work.counts
    assert (counts.articles, counts.sent_back, counts.drafts, counts.to_review) == (
        Tally(2), Tally(1), Tally(1), None,
    )  # fmt: skip
    html = response.content.decode()
    assert "Waiting for your decision" not in html
    assert "Name the quarter.<br>And cite the filing." in html
    assert "sent back by editor2" in html
    assert "(overdue)" in html
    assert f'href="/articles/{a.pk}/#claim-{day["sent_back"].pk}"' in html
    # the header: 2 articles and 1 sent back wait for them
    assert '<span class="badge">3<span class="visually-hidden"> waiting</span>' in html


def test_an_editors_work_lists_claims_waiting_for_their_decision_oldest_first(client, editor, day):
    client.force_login(editor)
    response = client.get(HOME)
    work = response.context["work"]
    # not their own claim (four eyes), not one assigned to another editor
    assert [c.pk for c in work.to_review] == [day["older"].pk, day["newer"].pk]
    assert work.counts.to_review == Tally(2)
    assert work.articles == work.drafts == work.sent_back == []
    html = response.content.decode()
    change = reverse("admin:annotations_claim_change", args=[day["older"].pk])
    assert f'href="{change}?_changelist_filters=waiting%3Dreview"' in html
    assert "Oldest submission first" in html


def test_the_inbox_and_the_desks_filters_agree(client, editor, editor2, reviewer, day):
    """My work is built from desk.py's definitions, the admin's filters too."""
    for person, waiting in [(editor, "review"), (editor2, "review"), (reviewer, "changes")]:
        person.is_staff = True
        person.save()
        client.force_login(person)
        work = client.get(HOME).context["work"]
        listed = work.to_review if waiting == "review" else [s.claim for s in work.sent_back]
        desk_list = client.get(CHANGELIST, {"waiting": waiting}).context["cl"].result_list
        assert {c.pk for c in listed} == {c.pk for c in desk_list}, person
        assert listed  # each compares something


def test_someone_with_no_role_on_the_desk_is_told_so(client, outsider, day):
    client.force_login(outsider)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Your account has no role on the desk" in response.content.decode()
    assert response.context["work"].counts.waiting == Tally(0)


def test_the_lists_are_bounded_and_say_how_many_there_are(client, reviewer, article):
    for n in range(desk.INBOX_LIMIT + 2):
        factories.make_draft(article, reviewer, n=n, text=f"Draft {n}")
    client.force_login(reviewer)
    response = client.get(HOME)
    assert len(response.context["work"].drafts) == desk.INBOX_LIMIT
    assert f"The latest {desk.INBOX_LIMIT} of {desk.INBOX_LIMIT + 2}." in response.content.decode()


def test_unread_notifications_show_on_my_work(client, reviewer, editor, day):
    client.force_login(reviewer)
    response = client.get(HOME)
    # assigned two articles; one claim sent back
    assert len(response.context["notifications"]) == 3
    assert "editor2 requested changes on your claim “Sent back”." in response.content.decode()


def test_the_header_counts_cost_one_query(editor, day, django_assert_num_queries):
    editor.has_perm("annotations.review_claim")  # permissions are read once per request
    # the claims by author and status (drafts, sent back, to review), the articles
    # assigned and not done, the unread notifications: five capped counts in one SELECT
    with django_assert_num_queries(1):
        counts = desk.inbox_counts(editor)
    assert (counts.to_review, counts.unread) == (Tally(2), Tally(0))


def test_the_header_counts_stop_at_the_cap(client, editor, reviewer, day, monkeypatch):
    """Past the cap a count says "more than": the badge "3+", My work "more than 3",
    and the link to the queue does not pretend to know how long it is."""
    monkeypatch.setattr(bounded, "COUNT_CAP", 3)
    for n in range(3):
        factories.make_submitted(day["articles"][1], reviewer, n=10 + n)
    client.force_login(editor)
    response = client.get(HOME)
    assert response.context["work"].counts.to_review == Tally(3, more=True)
    html = response.content.decode()
    assert '<span class="badge">3+<span class="visually-hidden"> waiting</span>' in html
    assert "more than 3 claims waiting for your decision" in html
    assert "All more than" not in html and "The whole queue on the desk</a>" in html


@pytest.mark.parametrize("extra", [0, 40])
def test_my_work_costs_the_same_for_a_small_or_a_busy_desk(
    client, reviewer, editor, day, extra, django_assert_num_queries
):
    a = day["articles"][0]
    for n in range(extra):
        factories.make_submitted(a, reviewer, n=n)
    client.force_login(editor)
    # session, user, the user's own and group permissions (one query), the counts (1), the
    # articles, the claims sent back and their requests (2), the drafts, the claims to
    # review, the unread notifications
    with django_assert_num_queries(9):
        response = client.get(HOME)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/articles/", "/notifications/"])
def test_every_reviewer_page_shows_the_counts_in_its_header(client, reviewer, day, url):
    client.force_login(reviewer)
    html = client.get(url).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> waiting</span>' in html
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in html
