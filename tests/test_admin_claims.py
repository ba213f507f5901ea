"""The desk in the Django admin, through the test client: queues, actions, buttons, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from annotations import admin as desk_admin
from annotations import claims, workflow
from annotations.desk import week_start
from annotations.models import Article, Claim, ClaimEvent, Source, Verdict
from tests.conftest import make_user
from tests.factories import (
    make_approved,
    make_draft,
    make_submitted,
    span,
)

pytestmark = pytest.mark.django_db

S = Claim.Status
CHANGELIST = reverse("admin:annotations_claim_changelist")
ARTICLES = reverse("admin:annotations_article_changelist")


def change_url(claim: Claim) -> str:
    return reverse("admin:annotations_claim_change", args=[claim.pk])


def transition_url(claim: Claim) -> str:
    return reverse("admin:annotations_claim_transition", args=[claim.pk])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def press(client, claim: Claim, **data) -> list[str]:
    """Press a transition button on the claim's change page; the messages shown after it."""
    response = client.post(transition_url(claim), data, follow=True)
    assert response.redirect_chain == [(change_url(claim), 302)]
    return [str(m) for m in response.context["messages"]]


def shown(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def bulk(client, action: str, objects, url: str = CHANGELIST, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data)


@pytest.fixture
def desk(article, reviewer, reviewer2, editor, editor2):
    """A small desk: claims in every interesting state."""
    return {
        "mine_to_review": make_submitted(article, reviewer, text="Chip exports doubled."),
        "assigned_to_editor": workflow.claim_assign(
            claim=make_submitted(article, reviewer2, n=1), user=editor2, assignee=editor
        ),
        "assigned_to_editor2": workflow.claim_assign(
            claim=make_submitted(article, reviewer, n=2), user=editor, assignee=editor2
        ),
        "editors_own": make_submitted(article, editor, n=3),
        "draft": make_draft(article, reviewer, n=4, verdict=Verdict.objects.get(slug="misleading")),
        "editors_sent_back": workflow.claim_transition(
            claim=make_submitted(article, editor, n=5),
            user=editor2,
            action="request_changes",
            comment="Add the year.",
        ),
    }


# -- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reviewer", "outsider"])
def test_people_who_are_not_staff_never_reach_the_admin(client, request, name, article):
    client.force_login(request.getfixturevalue(name))
    for url in [reverse("admin:index"), CHANGELIST, ARTICLES]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_transition_url_takes_only_posts(client, editor, desk):
    client.force_login(editor)
    assert client.get(transition_url(desk["mine_to_review"])).status_code == 405


def test_a_reviewer_cannot_post_a_transition_through_the_admin(client, reviewer, article):
    claim = make_submitted(article, reviewer)
    client.force_login(reviewer)
    response = client.post(transition_url(claim), {"action": "approve", "version": claim.version})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


# -- the claim changelist ----------------------------------------------------------------------


def test_the_changelist_shows_status_verdict_article_people_and_age(client, editor, desk):
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    columns = response.context["cl"].list_display
    assert columns == [
        "action_checkbox",
        "__str__",
        "quote_and_rationale",
        "status",
        "verdict",
        "article_title",
        "author",
        "assignee",
        "age",
        "anchor",
    ]
    html = response.content.decode()
    assert "Chip exports doubled." in html
    assert "Submitted" in html and "False" in html


def test_editors_see_drafts_but_a_staff_reviewer_sees_only_their_own(
    client, editor, reviewer2, desk
):
    client.force_login(editor)
    assert desk["draft"].pk in shown(client.get(CHANGELIST))
    staff_reviewer = make_user("staffreviewer", "Reviewers", is_staff=True)
    client.force_login(staff_reviewer)
    response = client.get(CHANGELIST)
    assert desk["draft"].pk not in shown(response)
    assert desk["mine_to_review"].pk in shown(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"status__exact": "submitted"},
            ["mine_to_review", "assigned_to_editor", "assigned_to_editor2", "editors_own"],
        ),
        ({"status__exact": "changes_requested"}, ["editors_sent_back"]),
        ({"waiting": "review"}, ["mine_to_review", "assigned_to_editor"]),
        ({"waiting": "changes"}, ["editors_sent_back"]),
        ({"assignee__id__exact": "EDITOR2"}, ["assigned_to_editor2"]),
        ({"author__id__exact": "REVIEWER2"}, ["assigned_to_editor"]),
        ({"verdict__id__exact": "MISLEADING"}, ["draft"]),
    ],
)
def test_changelist_filters(client, editor, editor2, reviewer2, desk, params, expected):
    ids = {
        "EDITOR2": editor2.pk,
        "REVIEWER2": reviewer2.pk,
        "MISLEADING": Verdict.objects.get(slug="misleading").pk,
    }
    params = {k: ids.get(v, v) for k, v in params.items()}
    client.force_login(editor)
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert shown(response) == {desk[name].pk for name in expected}


def test_waiting_for_me_is_empty_for_the_author_of_every_submitted_claim(client, editor, article):
    make_submitted(article, editor)
    client.force_login(editor)
    assert shown(client.get(CHANGELIST, {"waiting": "review"})) == set()


def test_the_article_filter(client, editor, reviewer, seed_articles):
    other = make_submitted(seed_articles["001"], reviewer)
    make_submitted(seed_articles["002"], reviewer)
    client.force_login(editor)
    response = client.get(CHANGELIST, {"article__id__exact": seed_articles["001"].pk})
    assert shown(response) == {other.pk}


@pytest.mark.parametrize("field", ["claim", "exact", "rationale"])
def test_search_covers_claim_text_quote_and_rationale(client, editor, reviewer, article, field):
    claim = make_draft(
        article,
        reviewer,
        text="Semiconductor tariffs rose.",
        rationale="<p>The withdrawn survey said so.</p>",
    )
    make_draft(article, reviewer, n=3, text="Something else.", rationale="<p>Other.</p>")
    term = {"claim": "semiconductor tariffs", "exact": claim.exact, "rationale": "withdrawn"}
    client.force_login(editor)
    assert shown(client.get(CHANGELIST, {"q": term[field]})) == {claim.pk}


# -- bulk actions ------------------------------------------------------------------------------


def confirmed(response) -> dict:
    """What the bulk approve's confirmation page posts when its button is pressed."""
    publish = [claim for claim, _ in response.context["publish"]]
    return {
        "action": "approve",
        "apply": "Publish",
        "_selected_action": [c.pk for c in publish],
        **{f"version_{c.pk}": c.version for c in publish},
    }


def test_bulk_approve_lists_what_will_be_published_and_why_the_others_will_not(
    client, editor, desk
):
    chosen = [desk[k] for k in ["mine_to_review", "assigned_to_editor", "editors_own", "draft"]]
    client.force_login(editor)
    response = bulk(client, "approve", chosen)
    assert response.status_code == 200  # nothing published yet: a page says what will be
    assert Claim.objects.filter(status=S.APPROVED).count() == 0
    assert [c.pk for c, _ in response.context["publish"]] == sorted(
        [desk["mine_to_review"].pk, desk["assigned_to_editor"].pk]
    )
    four_eyes = workflow.FOUR_EYES.format(label="approve")
    wrong_state = workflow.WRONG_STATE.format(state="draft", done="approved", allowed="submitted")
    assert {c.pk: why for c, _, why in response.context["refused"]} == {
        desk["editors_own"].pk: four_eyes,
        desk["draft"].pk: wrong_state,
    }
    html = response.content.decode()
    assert "These 2 claims will be published" in html
    assert "These 2 claims will not be approved" in html
    assert "Chip exports doubled." in html
    assert "The report says otherwise." in html  # the rationale as text
    assert "<p>The report says otherwise.</p>" not in html
    assert 'value="Publish these 2 claims"' in html

    response = client.post(CHANGELIST, confirmed(response))
    assert response.status_code == 302
    assert texts(response) == ["2 claims approved."]
    statuses = dict(Claim.objects.filter(pk__in=[c.pk for c in chosen]).values_list("pk", "status"))
    assert statuses == {
        desk["mine_to_review"].pk: S.APPROVED,
        desk["assigned_to_editor"].pk: S.APPROVED,
        desk["editors_own"].pk: S.SUBMITTED,
        desk["draft"].pk: S.DRAFT,
    }
    assert Claim.objects.get(pk=desk["mine_to_review"].pk).approved_by == editor


def test_bulk_refusals_with_the_same_reason_are_grouped(client, editor, article):
    own = [make_submitted(article, editor, n=i) for i in range(3)]
    client.force_login(editor)
    messages = texts(bulk(client, "reject", own, apply="Reject", comment="No."))
    assert len(messages) == 1
    assert messages[0].startswith("3 claims not rejected: You wrote this claim")
    assert all(f"#{c.pk} " in messages[0] for c in own)


def test_nothing_to_publish_offers_no_publish_button(client, editor, desk):
    client.force_login(editor)
    response = bulk(client, "approve", [desk["editors_own"], desk["draft"]])
    html = response.content.decode()
    assert response.context["publish"] == []
    assert "Publish" not in html
    assert "Back to the list" in html


def test_bulk_approve_publishes_only_the_version_that_was_confirmed(client, editor, editor2, desk):
    chosen = [desk["mine_to_review"], desk["assigned_to_editor"]]
    client.force_login(editor)
    data = confirmed(bulk(client, "approve", chosen))
    changed = desk["mine_to_review"]
    claims.claim_update(claim=changed, user=editor2, version=None, text="Chip exports tripled.")
    response = client.post(CHANGELIST, data)
    assert texts(response) == [
        "1 claim approved.",
        f"1 claim not approved: {desk_admin.STALE_CONFIRMATION} (#{changed.pk} "
        "“Chip exports tripled.”)",
    ]
    assert Claim.objects.get(pk=changed.pk).status == S.SUBMITTED


def test_a_bulk_approve_posted_without_the_confirmation_page_publishes_nothing(
    client, editor, desk
):
    client.force_login(editor)
    response = bulk(client, "approve", [desk["mine_to_review"]], apply="Publish")
    assert texts(response)[0].startswith(f"1 claim not approved: {desk_admin.STALE_CONFIRMATION}")
    assert Claim.objects.filter(status=S.APPROVED).count() == 0


@pytest.mark.parametrize(
    ("action", "status", "label"),
    [
        ("reject", S.REJECTED, "rejected"),
        ("request_changes", S.CHANGES_REQUESTED, "sent back for changes"),
    ],
)
def test_reject_and_request_changes_ask_for_a_comment_first(
    client, editor, desk, action, status, label
):
    chosen = [desk["mine_to_review"], desk["assigned_to_editor"]]
    client.force_login(editor)
    page = bulk(client, action, chosen)
    assert page.status_code == 200
    assert "admin/annotations/action_form.html" in [t.name for t in page.templates]
    assert 'name="comment"' in page.content.decode()
    missing = bulk(client, action, chosen, apply="go", comment="  ")
    assert missing.status_code == 200
    assert "This field is required." in missing.content.decode()
    assert not Claim.objects.filter(pk__in=[c.pk for c in chosen], status=status).exists()
    done = bulk(client, action, chosen, apply="go", comment="The source is a blog.")
    assert done.status_code == 302
    assert texts(done) == [f"2 claims {label}."]
    for claim in chosen:
        claim.refresh_from_db()
        assert claim.status == status
        assert claim.events.last().comment == "The source is a blog."


def test_bulk_assign_offers_editors_and_records_the_assignment(
    client, editor, editor2, reviewer, desk
):
    chosen = [desk["mine_to_review"], desk["draft"]]
    client.force_login(editor)
    page = bulk(client, "assign_claims", chosen)
    assert page.status_code == 200
    choices = page.context["form"].fields["assignee"].queryset
    assert set(choices.values_list("username", flat=True)) == {"editor", "editor2"}
    done = bulk(client, "assign_claims", chosen, apply="go", assignee=editor2.pk)
    assert texts(done) == ["2 claims assigned to editor2."]
    for claim in chosen:
        claim.refresh_from_db()
        assert claim.assignee == editor2
        event = claim.events.last()
        assert (event.kind, event.actor) == (ClaimEvent.Kind.ASSIGNMENT, editor)
    refused = bulk(client, "assign_claims", chosen, apply="go", assignee=reviewer.pk)
    assert refused.status_code == 200  # not a choice: the page says so, nothing changes
    assert "Select a valid choice." in refused.content.decode()


def test_bulk_unassign(client, editor, desk):
    client.force_login(editor)
    done = bulk(client, "assign_claims", [desk["assigned_to_editor2"]], apply="go", assignee="")
    assert texts(done) == ["1 claim unassigned."]
    assert Claim.objects.get(pk=desk["assigned_to_editor2"].pk).assignee is None


def test_a_staff_member_without_review_rights_is_offered_no_decisions(client, desk):
    staff_reviewer = make_user("staffreviewer", "Reviewers", is_staff=True)
    client.force_login(staff_reviewer)
    response = client.get(CHANGELIST)
    assert response.context["action_form"] is None  # no action at all is offered
    bulk(client, "approve", [desk["mine_to_review"]])
    assert Claim.objects.get(pk=desk["mine_to_review"].pk).status == S.SUBMITTED


# -- the claim change page ---------------------------------------------------------------------


@pytest.fixture
def tricky_article(db) -> Article:
    body = "Before <b>bold</b> & co. The claim <script>x</script> here. After <i>it</i>."
    return Article.objects.create(
        title="Tricky", body=body, raw_text=body, content_hash="t" * 64, origin="tricky.txt"
    )


def test_the_change_page_shows_the_quote_in_context_escaped(
    client, editor, reviewer, tricky_article
):
    start = tricky_article.body.index("The claim")
    end = tricky_article.body.index(" After")
    claim = claims.claim_create(article=tricky_article, user=reviewer, start=start, end=end)
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert (
        "Before &lt;b&gt;bold&lt;/b&gt; &amp; co. "
        "<strong>The claim &lt;script&gt;x&lt;/script&gt; here.</strong>"
        " After &lt;i&gt;it&lt;/i&gt;." in html
    )
    assert "<script>x</script>" not in html


def test_the_change_page_offers_the_transitions_this_editor_may_make_now(client, editor, desk):
    client.force_login(editor)
    claim = desk["mine_to_review"]
    response = client.get(change_url(claim))
    assert [t.action for t in response.context["transitions"]] == [
        "approve",
        "reject",
        "request_changes",
    ]
    html = response.content.decode()
    assert f'action="{transition_url(claim)}"' in html
    assert f'name="version" value="{claim.version}"' in html
    assert 'value="approve"' in html


def test_no_decision_buttons_on_an_editors_own_claim(client, editor, desk):
    client.force_login(editor)
    response = client.get(change_url(desk["editors_own"]))
    assert response.context["transitions"] == []
    assert "nothing you can do with this claim" in response.content.decode()


def test_an_editor_approves_with_the_button(client, editor, desk):
    claim = desk["mine_to_review"]
    client.force_login(editor)
    assert press(client, claim, action="approve", version=claim.version) == ["Claim approved."]
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (S.APPROVED, editor)


def test_an_editor_cannot_approve_their_own_claim_with_the_button(client, editor, desk):
    claim = desk["editors_own"]
    client.force_login(editor)
    messages = press(client, claim, action="approve", version=claim.version)
    assert messages == [workflow.FOUR_EYES.format(label="approve")]
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_the_button_refuses_a_page_loaded_before_someone_else_acted(client, editor, editor2, desk):
    claim = desk["mine_to_review"]
    loaded = claim.version
    workflow.claim_transition(claim=claim, user=editor2, action="reject", comment="Opinion.")
    client.force_login(editor)
    assert press(client, claim, action="approve", version=loaded) == [desk_admin.STALE_ADMIN]
    claim.refresh_from_db()
    assert claim.status == S.REJECTED


def test_rejecting_with_the_button_needs_a_comment(client, editor, desk):
    claim = desk["mine_to_review"]
    client.force_login(editor)
    messages = press(client, claim, action="reject", version=claim.version)
    assert messages == [workflow.NEEDS_COMMENT.format(label="reject")]
    messages = press(client, claim, action="reject", version=claim.version, comment="Satire.")
    assert messages == ["Claim rejected."]
    assert claim.events.last().comment == "Satire."


def test_retract_then_reopen_from_the_change_page(client, editor, editor2, reviewer, article):
    claim = make_approved(article, reviewer, editor2)
    client.force_login(editor)
    press(client, claim, action="retract", version=claim.version, comment="Survey withdrawn.")
    claim.refresh_from_db()
    assert claim.status == S.RETRACTED
    page = client.get(change_url(claim))
    assert [t.action for t in page.context["transitions"]] == ["reopen"]
    assert not page.context["has_change_permission"]  # a retracted claim is read-only
    assert press(client, claim, action="reopen", version=claim.version) == ["Claim reopened."]
    claim.refresh_from_db()
    assert claim.status == S.DRAFT


def test_the_history_is_shown_and_offers_no_inputs(client, editor, desk):
    client.force_login(editor)
    response = client.get(change_url(desk["editors_sent_back"]))
    html = response.content.decode()
    assert "Add the year." in html
    (history,) = [
        f for f in response.context["inline_admin_formsets"] if f.opts.model is ClaimEvent
    ]
    assert not history.has_add_permission
    assert not history.has_change_permission
    assert not history.has_delete_permission
    assert 'name="events-0-comment"' not in html


# -- saving the change form goes through claims.claim_update ---------------------------------


def form_data(response) -> dict:
    """What the browser would post back: the change form and its inlines as loaded."""
    data = {}
    adminform = response.context["adminform"]
    forms = [adminform.form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def test_editing_a_claim_in_review_in_the_admin_is_recorded(
    client, editor, editor2, reviewer, article
):
    claim = make_submitted(article, reviewer)
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    data["verdict"] = Verdict.objects.get(slug="misleading").pk
    data["rationale"] = "Better *context*. <script>alert(1)</script>"
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert claim.verdict.slug == "misleading"
    assert claim.rationale_markdown == "Better *context*. <script>alert(1)</script>"
    # Rendered and sanitised on the way in: raw HTML is text.
    assert (
        claim.rationale == "<p>Better <em>context</em>. &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    event = claim.events.last()
    assert (event.kind, event.actor, event.wrote_content) == (ClaimEvent.Kind.EDIT, editor, True)
    assert set(event.changes) == {"verdict", "rationale"}


def test_a_published_claim_cannot_be_changed_in_the_admin(
    client, editor, editor2, reviewer, article
):
    claim = make_approved(article, reviewer, editor2)
    client.force_login(editor)
    page = client.get(change_url(claim))
    assert page.status_code == 200 and 'name="claim"' not in page.content.decode()
    data = {"claim": "Rewritten alone", "version": claim.version}
    response = client.post(change_url(claim), data)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.claim != "Rewritten alone" and claim.version == 3


def test_source_edits_in_the_admin_go_through_the_claims_service(
    client, editor, editor2, reviewer, article
):
    claim = make_submitted(article, reviewer)
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    data["sources-0-title"] = "The report, updated"
    data["sources-TOTAL_FORMS"] = 2
    data["sources-1-url"] = "https://example.org/second"
    data["sources-1-stance"] = "supports"
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.context["errors"]
    sources = list(claim.sources.values_list("order", "title", "url"))
    assert sources == [
        (1, "The report, updated", "https://example.org/report"),
        (2, "", "https://example.org/second"),
    ]
    assert set(claim.events.last().changes) == {"sources"}


def test_a_stale_change_form_is_refused_with_a_clear_message(
    client, editor, editor2, reviewer, article
):
    claim = make_submitted(article, reviewer)
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    workflow.claim_assign(claim=claim, user=editor2, assignee=editor2)  # moves the version
    data["claim"] = "My rewording."
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert desk_admin.STALE_FORM in response.content.decode()
    claim.refresh_from_db()
    assert claim.claim != "My rewording."


def test_a_write_between_the_forms_check_and_the_save_is_refused_too(
    client, editor, editor2, reviewer, article, monkeypatch
):
    claim = make_submitted(article, reviewer)
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    data["claim"] = "My rewording."
    checked = desk_admin.ClaimAdminForm.clean

    def someone_assigns_right_after_the_check(form):
        # (inside this request's transaction here, so it is rolled back with the save)
        cleaned = checked(form)
        workflow.claim_assign(claim=claim, user=editor2, assignee=editor2)
        return cleaned

    monkeypatch.setattr(desk_admin.ClaimAdminForm, "clean", someone_assigns_right_after_the_check)
    response = client.post(change_url(claim), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [desk_admin.STALE_FORM]
    claim.refresh_from_db()
    assert claim.claim != "My rewording."


def test_saving_an_unchanged_form_writes_nothing(client, editor, desk):
    claim = desk["mine_to_review"]
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    assert client.post(change_url(claim), data).status_code == 302
    claim.refresh_from_db()
    assert claim.version == desk["mine_to_review"].version


def test_changing_the_assignee_on_the_form_records_an_assignment(client, editor, editor2, desk):
    claim = desk["mine_to_review"]
    client.force_login(editor)
    data = form_data(client.get(change_url(claim)))
    data["assignee"] = editor2.pk
    assert client.post(change_url(claim), data).status_code == 302
    event = claim.events.last()
    assert (event.kind, event.comment) == (ClaimEvent.Kind.ASSIGNMENT, "Assigned to editor2")


def test_claims_are_not_added_in_the_admin_and_only_fresh_drafts_deleted(client, editor, desk):
    client.force_login(editor)
    assert client.get(reverse("admin:annotations_claim_add")).status_code == 403
    submitted = desk["mine_to_review"]
    delete = reverse("admin:annotations_claim_delete", args=[submitted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    draft = desk["draft"]
    delete = reverse("admin:annotations_claim_delete", args=[draft.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=draft.pk).exists()


# -- claim events and the verdict scale --------------------------------------------------------


def test_nobody_adds_changes_or_deletes_claim_events_in_the_admin(client, admin_user, desk):
    event = desk["editors_sent_back"].events.last()
    client.force_login(admin_user)
    assert client.get(reverse("admin:annotations_claimevent_changelist")).status_code == 200
    assert client.get(reverse("admin:annotations_claimevent_add")).status_code == 403
    change = reverse("admin:annotations_claimevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(change, {"comment": "rewritten"}).status_code == 403
    delete = reverse("admin:annotations_claimevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ClaimEvent.objects.get(pk=event.pk).comment == "Add the year."


def test_an_editor_edits_the_verdict_scale(client, editor):
    verdict = Verdict.objects.get(slug="misleading")
    client.force_login(editor)
    url = reverse("admin:annotations_verdict_change", args=[verdict.pk])
    response = client.post(
        url,
        {
            "label": "Misleading",
            "slug": "misleading",
            "rating_value": "",
            "order": 9,
            "colour": "#123abc",
            "description": "True facts, false impression.",
        },
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert (verdict.order, verdict.colour, verdict.description) == (
        9,
        "#123abc",
        "True facts, false impression.",
    )
    bad = client.post(url, {"label": "M", "slug": "m", "order": 1, "colour": "red"})
    assert "Enter a colour as #rrggbb." in bad.content.decode()
    add = client.post(
        reverse("admin:annotations_verdict_add"),
        {"label": "Satire", "slug": "satire", "order": 10, "colour": "#aaaaaa"},
    )
    assert add.status_code == 302
    assert Verdict.objects.get(slug="satire").rating_value is None


# -- articles ----------------------------------------------------------------------------------


def test_the_article_changelist_counts_claims_per_status(client, editor, desk, article):
    client.force_login(editor)
    response = client.get(ARTICLES)
    row = next(a for a in response.context["cl"].result_list if a.pk == article.pk)
    assert (row.claims_submitted, row.claims_draft, row.claims_changes_requested) == (4, 1, 1)
    assert "4 submitted" in response.content.decode()


def test_unassigned_and_overdue_filters(client, editor, reviewer, seed_articles):
    yesterday = timezone.localdate() - timedelta(days=1)
    late, done_late, assigned = seed_articles["001"], seed_articles["002"], seed_articles["003"]
    Article.objects.filter(pk=late.pk).update(due_date=yesterday)
    Article.objects.filter(pk=done_late.pk).update(due_date=yesterday, queue_status="done")
    Article.objects.filter(pk=assigned.pk).update(assignee=reviewer)
    client.force_login(editor)
    assert shown(client.get(ARTICLES, {"due": "overdue"})) == {late.pk}
    unassigned = shown(client.get(ARTICLES, {"assigned": "no"}))
    assert unassigned == {a.pk for a in seed_articles.values()} - {assigned.pk}


def test_bulk_assign_articles_to_a_reviewer(client, editor, reviewer, seed_articles):
    chosen = [seed_articles["001"], seed_articles["002"]]
    client.force_login(editor)
    page = bulk(client, "assign_articles", chosen, url=ARTICLES)
    people = page.context["form"].fields["assignee"].queryset
    assert "reviewer" in set(people.values_list("username", flat=True))
    done = bulk(client, "assign_articles", chosen, url=ARTICLES, apply="go", assignee=reviewer.pk)
    assert texts(done) == ["2 articles assigned to reviewer."]
    assert set(Article.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == {
        a.pk for a in chosen
    }


def test_mark_done_reports_articles_with_undecided_claims(client, editor, reviewer, seed_articles):
    busy, quiet = seed_articles["000"], seed_articles["001"]
    make_submitted(busy, reviewer)
    client.force_login(editor)
    response = bulk(client, "mark_done", [busy, quiet], url=ARTICLES)
    messages = texts(response)
    assert messages[0] == "1 article marked done."
    assert messages[1].startswith(
        "1 article not marked done: " + workflow.ARTICLE_NOT_DONE.format(count=1)
    )
    assert Article.objects.get(pk=quiet.pk).queue_status == "done"
    assert Article.objects.get(pk=busy.pk).queue_status == "new"


# -- the index: the desk at a glance -----------------------------------------------------------


def test_the_index_shows_the_desk_at_a_glance_with_links(client, editor, editor2, reviewer, desk):
    make_approved(desk["draft"].article, reviewer, editor2, n=6)
    last_month = make_approved(desk["draft"].article, reviewer, editor2, n=7)
    Claim.objects.filter(pk=last_month.pk).update(approved_at=week_start() - timedelta(hours=1))
    Article.objects.filter(pk=desk["draft"].article_id).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The desk at a glance" in html
    numbers = {item.label: (item.count.n, item.url) for item in response.context["desk"]}
    assert not any(item.count.more for item in response.context["desk"])
    assert numbers["Claims waiting for review"] == (4, CHANGELIST + "?status__exact=submitted")
    assert numbers["… of which waiting for you"] == (2, CHANGELIST + "?waiting=review")
    assert numbers["Changes requested"][0] == 1
    assert numbers["Approved in the past 7 days"][0] == 1
    assert numbers["Overdue articles"] == (1, ARTICLES + "?due=overdue")
    for count, url in numbers.values():
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.context["cl"].result_count == count, url


# -- query counts ------------------------------------------------------------------------------


def many_claims(seed_articles, people, n: int) -> None:
    """``n`` claims spread over articles, authors, verdicts, assignees and states (bulk insert)."""
    reviewer, reviewer2, editor, editor2 = people
    articles = list(seed_articles.values())
    verdicts = list(Verdict.objects.all())
    states = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED]
    rows = []
    for i in range(n):
        article = articles[i % len(articles)]
        start, end = span(article, i)
        status = states[i % len(states)]
        rows.append(
            Claim(
                article=article,
                start=start,
                end=end,
                exact=article.body[start:end],
                claim=f"Claim number {i}",
                verdict=verdicts[i % len(verdicts)],
                author=[reviewer, reviewer2][i % 2],
                assignee=[None, editor, editor2][i % 3],
                status=status,
                approved_by=editor if status == S.APPROVED else None,
                submitted_at=None if status == S.DRAFT else timezone.now(),
            )
        )
    Claim.objects.bulk_create(rows)
    Source.objects.bulk_create(
        Source(claim=c, url=f"https://example.org/{c.pk}") for c in Claim.objects.all()
    )


@pytest.mark.parametrize("n", [5, 500])
def test_the_claim_changelist_costs_the_same_for_5_or_500_claims(
    client, editor, reviewer, reviewer2, editor2, seed_articles, django_assert_num_queries, n
):
    many_claims(seed_articles, [reviewer, reviewer2, editor, editor2], n)
    client.force_login(editor)
    # session, user, the user's own and group permissions (one query), the choices of the verdict,
    # author and assignee filters (3: the article filter reads nothing until one is
    # chosen), the count up to its cap (no second count of the whole table), and the
    # page of claims with verdict, article, author and assignee joined
    with django_assert_num_queries(8):
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == n


@pytest.mark.parametrize("n", [5, 500])
def test_the_article_changelist_costs_the_same_for_5_or_500_articles(
    client, editor, reviewer, django_assert_num_queries, n
):
    Article.objects.bulk_create(
        Article(
            title=f"Article {i}",
            body="Some words here.",
            raw_text="Some words here.",
            content_hash=f"{i:064d}",
            origin=f"{i}.txt",
            assignee=reviewer if i % 2 else None,
        )
        for i in range(n)
    )
    first = Article.objects.order_by("id").first()
    Claim.objects.bulk_create(
        Claim(article=first, start=0, end=4, exact="Some", claim="Some", author=reviewer)
        for _ in range(3)
    )
    client.force_login(editor)
    # session, user, the user's own and group permissions (one query), the count up to its cap,
    # the page of articles with the assignee joined, their claims counted per status (one
    # grouped query), the publisher filter's choices (from its index); no date hierarchy
    with django_assert_num_queries(7):
        response = client.get(ARTICLES)
    assert response.context["cl"].result_count == n


def test_the_article_form_cannot_mark_an_article_done_while_claims_are_undecided(
    client, editor, reviewer, article
):
    make_submitted(article, reviewer)
    client.force_login(editor)
    url = reverse("admin:annotations_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "body"}
    data.update(body=article.body, queue_status="done", priority=article.priority)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1 undecided claim(s)" in response.content.decode()
    article.refresh_from_db()
    assert article.queue_status == "new"
