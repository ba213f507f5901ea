"""The desk's side of living articles: import from addresses, jobs, refresh, revisions,
the changed-text queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from annotations.importers import import_bytes
from annotations.models import Article, Job
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = (Path(__file__).resolve().parent / "fixtures" / "pages" / "news_article.html").read_bytes()
QUOTE = "its revenue grew 12 percent in 2024"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_editor_imports_from_web_addresses_and_sees_the_job(
    client, editor, pages, django_capture_on_commit_callbacks
):
    good = pages.page("/story", PAGE)
    client.force_login(editor)
    url = reverse("admin:annotations_article_import_urls")
    assert "One address per line" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"urls": f"{good}\n{pages.url('/missing')}\n"})
    job = Job.objects.get()
    assert response["Location"] == reverse("admin:annotations_job_change", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Failed" in page and "2 of 2" in page
    assert "the server answered 404 Not Found" in page
    listing = client.get(reverse("admin:annotations_job_changelist")).content.decode()
    assert "2 of 2" in listing
    assert Article.objects.get().origin == good


def test_bad_addresses_are_refused_in_the_form_with_the_line(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:annotations_article_import_urls"), {"urls": "https://a.example/\nnot a url"}
    )
    assert response.status_code == 200
    assert "Line 2: “not a url” is not a web address" in response.content.decode()
    assert not Job.objects.exists()


def test_a_failed_job_is_retried_from_the_list(
    client, editor, pages, django_capture_on_commit_callbacks
):
    late = pages.url("/late")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:annotations_article_import_urls"), {"urls": late})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    pages.page("/late", PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:annotations_job_changelist"),
            {"action": "retry", "_selected_action": [job.pk]},
            follow=True,
        )
    again = f"{job} was started again (its failed and unfinished addresses only)."
    assert again in messages_of(response)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and Article.objects.count() == 1


def test_refresh_from_source_follows_a_changed_page_and_the_diff_marks_the_words(
    client, editor, reviewer, pages, django_capture_on_commit_callbacks
):
    url = pages.page("/story", PAGE)
    from annotations.importers import import_url

    article = import_url(url).article
    claim = factories.approved(article, reviewer, editor, QUOTE)
    pages.page("/story", PAGE.replace(b"grew 12 percent", b"grew 9 percent"))
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:annotations_article_changelist"),
            {"action": "refresh_from_source", "_selected_action": [article.pk]},
        )
    claim.refresh_from_db()
    assert claim.anchor_state == "fuzzy"
    change = client.get(reverse("admin:annotations_article_change", args=[article.pk]))
    assert "compare with revision 1" in change.content.decode()
    diff = client.get(reverse("admin:annotations_article_revision_diff", args=[article.pk, 2]))
    html = diff.content.decode()
    assert "<del>12</del><ins>9</ins>" in html
    assert "1 change." in html
    # The desk's queue lists the claim, published ones first.
    factories.draft(article, reviewer, "Analysts were cautious")
    queue = client.get(reverse("admin:annotations_claim_changelist"), {"text_changed": "yes"})
    assert [c.pk for c in queue.context["cl"].result_list] == [claim.pk]
    index = client.get(reverse("admin:index")).content.decode()
    assert "Text changed under these claims" in index


def test_refresh_of_an_article_from_a_file_is_refused_with_the_reason(client, editor, article):
    client.force_login(editor)
    response = client.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "refresh_from_source", "_selected_action": [article.pk]},
        follow=True,
    )
    assert any("was imported from a file" in m for m in messages_of(response))
    assert not Job.objects.exists()


def test_the_queue_puts_published_checks_first(client, editor, reviewer):
    text = "Headline here\nFirst claim sentence is here.\nSecond claim sentence is here.\nEnd."
    article = import_bytes(text.encode(), origin="q.txt").article
    draft = factories.draft(article, reviewer, "First claim sentence")
    published = factories.approved(article, reviewer, editor, "Second claim sentence")
    import_bytes(b"Headline here\nSomething else entirely.\nEnd.", origin="q.txt", update=True)
    client.force_login(editor)
    queue = client.get(reverse("admin:annotations_claim_changelist"), {"text_changed": "yes"})
    assert [c.pk for c in queue.context["cl"].result_list] == [published.pk, draft.pk]


def test_reviewers_cannot_import_from_addresses(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:annotations_article_import_urls"))
    assert response.status_code == 302
