"""The editor's loop: decide and move to the next claim of the list the editor came from."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from annotations import admin as desk_admin
from annotations import workflow
from annotations.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db

S = Claim.Status
CHANGELIST = reverse("admin:annotations_claim_changelist")


def change_url(claim: Claim, filters: str = "") -> str:
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    return url + ("?" + urlencode({"_changelist_filters": filters}) if filters else "")


def transition_url(claim: Claim, filters: str) -> str:
    url = reverse("admin:annotations_claim_transition", args=[claim.pk])
    return url + "?" + urlencode({"_changelist_filters": filters})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def decide_and_next(client, claim: Claim, filters: str, action: str, comment: str = ""):
    claim.refresh_from_db()
    data = {"next_action": action, "version": claim.version, "comment": comment}
    return client.post(transition_url(claim, filters), data)


@pytest.fixture
def queue(seed_articles, reviewer, reviewer2, editor):
    """Four claims submitted on one article and one on another, updated in a known order:
    the list (newest change first) shows first, second, third, last."""
    a, b = seed_articles["000"], seed_articles["001"]
    made = {
        "last": factories.make_submitted(a, reviewer, n=0, text="Last"),
        "third": factories.make_submitted(a, reviewer2, n=1, text="Third"),
        "second": factories.make_submitted(a, reviewer, n=2, text="Second"),
        "first": factories.make_submitted(a, reviewer2, n=3, text="First"),
        "elsewhere": factories.make_submitted(b, reviewer, n=0, text="Other article"),
        "draft": factories.make_draft(a, reviewer, n=4, text="A draft"),
    }
    now = timezone.now()
    for minutes, name in enumerate(["first", "elsewhere", "second", "third", "draft", "last"]):
        Claim.objects.filter(pk=made[name].pk).update(updated_at=now - timedelta(minutes=minutes))
    made["filters"] = urlencode({"article__id__exact": a.pk, "status__exact": "submitted"})
    return made


def test_approve_and_next_walks_the_filtered_list_in_its_order(client, editor, queue):
    client.force_login(editor)
    filters = queue["filters"]
    listed = client.get(CHANGELIST + "?" + filters).context["cl"].result_list
    assert [c.claim for c in listed] == ["First", "Second", "Third", "Last"]

    response = decide_and_next(client, queue["first"], filters, "approve")
    assert response["Location"] == change_url(queue["second"], filters)
    first = queue["first"]
    assert texts(response) == [f"Claim #{first.pk} “First” approved. {desk_admin.NEXT_IN_LIST}"]
    # The approved claim left the list and was changed last, yet the loop goes on.
    response = decide_and_next(
        client, queue["second"], filters, "request_changes", "Name the quarter."
    )
    assert response["Location"] == change_url(queue["third"], filters)
    response = decide_and_next(client, queue["third"], filters, "reject", "Not checkable.")
    assert response["Location"] == change_url(queue["last"], filters)
    statuses = dict(Claim.objects.values_list("claim", "status"))
    assert statuses["First"] == S.APPROVED
    assert statuses["Second"] == S.CHANGES_REQUESTED
    assert statuses["Third"] == S.REJECTED
    assert statuses["Other article"] == S.SUBMITTED  # not in this list


def test_after_the_last_claim_the_editor_is_back_at_the_list_with_a_message(client, editor, queue):
    client.force_login(editor)
    response = decide_and_next(client, queue["last"], queue["filters"], "approve")
    assert response["Location"] == CHANGELIST + "?" + queue["filters"]
    assert texts(response) == [
        f"Claim #{queue['last'].pk} “Last” approved.",
        desk_admin.QUEUE_DONE,
    ]


def test_a_claim_someone_else_decided_meanwhile_is_passed_over(client, editor, editor2, queue):
    client.force_login(editor)
    workflow.claim_transition(claim=queue["second"], user=editor2, action="approve")
    response = decide_and_next(client, queue["first"], queue["filters"], "approve")
    assert response["Location"] == change_url(queue["third"], queue["filters"])


def test_the_list_keeps_its_sort_order(client, editor, queue):
    """Sorted by how long each has waited (the column the queue offers to sort by),
    longest first: the order the claims were submitted in."""
    now = timezone.now()
    for hours, name in enumerate(["third", "last", "first", "second"]):
        Claim.objects.filter(pk=queue[name].pk).update(
            submitted_at=now - timedelta(hours=10 - hours)
        )
    client.force_login(editor)
    column = client.get(CHANGELIST).context["cl"].list_display.index("age")
    filters = queue["filters"] + f"&o={column}"
    listed = client.get(CHANGELIST + "?" + filters).context["cl"].result_list
    assert [c.claim for c in listed] == ["Third", "Last", "First", "Second"]
    response = decide_and_next(client, queue["first"], filters, "approve")
    assert response["Location"] == change_url(queue["second"], filters)


def test_the_waiting_for_me_list_is_a_queue_too(client, editor, queue):
    client.force_login(editor)
    response = decide_and_next(client, queue["first"], "waiting=review", "approve")
    assert response["Location"] == change_url(queue["elsewhere"], "waiting=review")


def test_a_refused_decision_stays_on_the_claim_with_the_reason(client, editor, queue):
    client.force_login(editor)
    response = decide_and_next(client, queue["first"], queue["filters"], "reject")  # no comment
    assert response["Location"] == change_url(queue["first"], queue["filters"])
    assert texts(response) == [workflow.NEEDS_COMMENT.format(label="reject")]
    assert Claim.objects.get(pk=queue["first"].pk).status == S.SUBMITTED


def test_skip_goes_to_the_next_without_deciding(client, editor, queue):
    client.force_login(editor)
    url = reverse("admin:annotations_claim_next", args=[queue["third"].pk])
    response = client.get(url + "?" + urlencode({"_changelist_filters": queue["filters"]}))
    assert response["Location"] == change_url(queue["last"], queue["filters"])
    response = client.get(reverse("admin:annotations_claim_next", args=[queue["last"].pk]))
    assert response["Location"] == CHANGELIST  # no filters: the whole list, of which it is last
    assert texts(response) == [desk_admin.QUEUE_DONE]
    assert Claim.objects.filter(status=S.SUBMITTED).count() == 5


@pytest.mark.parametrize(
    "filters",
    ["status__exact=%00", "author__password__startswith=x", "approved_at__gte=not-a-date",
     "verdict__id__exact=abc"],
)  # fmt: skip
def test_a_list_that_cannot_be_read_again_leads_back_to_the_whole_list(
    client, editor, queue, filters
):
    client.force_login(editor)
    response = decide_and_next(client, queue["first"], filters, "approve")
    assert response["Location"] == CHANGELIST
    assert texts(response)[-1] == desk_admin.QUEUE_UNREADABLE
    assert Claim.objects.get(pk=queue["first"].pk).status == S.APPROVED  # the decision stands


@pytest.mark.parametrize("filters", ["p=99999", "o=" + "9" * 500, "o=x.y"])
def test_a_page_number_or_a_sort_the_list_ignores_are_ignored_by_the_loop_too(
    client, editor, queue, filters
):
    """The whole list, newest change first: "First", then "Other article"."""
    client.force_login(editor)
    response = decide_and_next(client, queue["first"], filters, "approve")
    assert response["Location"] == change_url(queue["elsewhere"], filters)


def test_a_search_that_matches_nothing_leads_back_to_the_list(client, editor, queue):
    client.force_login(editor)
    response = decide_and_next(client, queue["first"], "q=" + "%" * 50, "approve")
    assert response["Location"] == CHANGELIST + "?q=" + "%25" * 50
    assert texts(response)[-1] == desk_admin.QUEUE_DONE


def test_the_change_page_offers_the_loop_and_lists_its_shortcuts(client, editor, queue):
    client.force_login(editor)
    response = client.get(change_url(queue["first"], queue["filters"]))
    html = response.content.decode()
    transition = transition_url(queue["first"], queue["filters"])
    assert f'action="{transition}"' in html.replace("&amp;", "&")
    for action, key, label in [
        ("approve", "a", "Approve and next"),
        ("request_changes", "c", "Request changes and next"),
        ("reject", "x", "Reject and next"),
    ]:
        assert f'name="next_action" value="{action}" data-shortcut="{key}"' in html
        assert f"<dt><kbd>{key.upper()}</kbd></dt><dd>{label}" in html
    assert 'data-shortcut="n" aria-keyshortcuts="n">Skip to the next claim in the list' in html
    assert "<dt><kbd>N</kbd></dt><dd>Skip to the next claim in the list" in html
    assert "annotations/admin/claim-queue.js" in html
    assert "<script>" not in html  # the shortcuts come from a file: no inline script


def test_no_decision_and_next_on_an_editors_own_claim(client, editor, seed_articles):
    own = factories.make_submitted(seed_articles["000"], editor)
    client.force_login(editor)
    html = client.get(change_url(own)).content.decode()
    assert 'name="next_action"' not in html
    assert "Skip to the next claim in the list" in html


def test_the_list_shows_the_quote_and_the_start_of_the_rationale_as_text(
    client, editor, reviewer, seed_articles
):
    long = "Because the *record* says & shows so.\n\n" + "More. " * 40  # Markdown
    claim = factories.make_submitted(seed_articles["000"], reviewer, rationale=long)
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    cell = html.split('<td class="field-quote_and_rationale">')[1].split("</td>")[0]
    quote, rationale = cell.split("<br>")
    assert quote == f'<q class="claim-quote">{claim.exact}</q>'
    assert rationale.startswith(
        '<span class="rationale-start">Because the record says &amp; shows so. More. More.'
    )  # the markup gone, the text escaped once
    text = rationale.removeprefix('<span class="rationale-start">').removesuffix("</span>")
    assert text.endswith("…") and len(text.replace("&amp;", "&")) == 100
    assert "&lt;em&gt;" not in html and "<em>record" not in html


def test_markup_in_a_quote_or_rationale_is_shown_as_text(client, editor, reviewer, seed_articles):
    claim = factories.make_submitted(
        seed_articles["000"], reviewer, rationale="<script>alert(1)</script>"
    )
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert "<script>alert(1)" not in html
    assert '<span class="rationale-start">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in html
    assert claim.pk
