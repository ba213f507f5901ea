"""The rationale on the desk's claim page: Markdown with its preview, never HTML source."""

from __future__ import annotations

import pytest

from annotations.models import Claim
from tests import factories
from tests.conftest import make_user
from tests.test_admin_claims import change_url, form_data

pytestmark = pytest.mark.django_db


def test_the_rationale_field_is_markdown_beside_its_formatted_preview(
    client, editor, article, reviewer
):
    claim = factories.submitted(
        article, reviewer, rationale="The **plant** is [idle](https://example.org/r)."
    )
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    # The text area holds the Markdown…
    assert "\nThe **plant** is [idle](https://example.org/r).</textarea>" in html
    # …and the preview beside it the published formatting, rendered (not as source).
    assert "<strong>plant</strong>" in html
    assert "data-markdown-preview" in html and 'data-url="/api/v1/workspace/preview/"' in html
    assert '<script src="/static/annotations/rationale-admin.js" type="module"></script>' in html
    assert "&lt;strong&gt;" not in html and "&lt;p&gt;" not in html


def test_an_older_html_rationale_opens_as_markdown_and_an_unchanged_save_keeps_it(
    client, editor, article, reviewer
):
    claim = factories.submitted(article, reviewer)
    html = "<p>Older <b>HTML</b> rationale</p>"
    Claim.objects.filter(pk=claim.pk).update(rationale=html, rationale_markdown="")
    client.force_login(editor)
    response = client.get(change_url(claim))
    assert response.context["adminform"].form["rationale"].value() == "Older **HTML** rationale"
    assert "<strong>HTML</strong>" in response.content.decode()  # the preview: same formatting
    assert client.post(change_url(claim), form_data(response)).status_code == 302
    claim.refresh_from_db()
    assert (claim.rationale, claim.rationale_markdown, claim.version) == (html, "", 2)


def test_who_may_not_change_the_claim_sees_the_rationale_formatted(client, article):
    staff_reviewer = make_user("staffreviewer", "Reviewers", is_staff=True)
    claim = factories.submitted(
        article, staff_reviewer, rationale="Because of *this*.\n\n<script>alert(1)</script>"
    )
    client.force_login(staff_reviewer)  # their own claim, in review: not editable now
    html = client.get(change_url(claim)).content.decode()
    assert '<div class="rationale"><p>Because of <em>this</em>.</p>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'name="rationale"' not in html and "<script>alert(1)" not in html
