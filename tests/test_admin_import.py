import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Article
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

URL = reverse("admin:annotations_article_import")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_editor_uploads_several_files_and_sees_a_message_per_file(client, editor):
    client.force_login(editor)
    files = [upload(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))[:2]]
    files.append(upload("empty.txt", b""))
    files.append(upload("notes.pdf", b"%PDF-1.4"))
    response = client.post(URL, {"files": files}, follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any(t.startswith("imported: 000_") for t in texts)
    assert "failed: empty.txt (the file is empty)" in texts
    assert "failed: notes.pdf (not a .txt, .html or .htm file)" in texts
    assert "imported 2, unchanged 0, failed 2" in texts
    assert Article.objects.count() == 2
    assert Article.objects.get(origin__startswith="000_").imported_by == editor


def test_upload_again_is_unchanged(client, editor, seed_articles):
    client.force_login(editor)
    path = next(SEEDS.glob("003_*.txt"))
    response = client.post(URL, {"files": [upload(path.name, path.read_bytes())]}, follow=True)
    assert "imported 0, unchanged 1, failed 0" in [str(m) for m in response.context["messages"]]


def test_upload_form_requires_a_file(client, editor):
    client.force_login(editor)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_reviewers_cannot_reach_the_admin_import(client, reviewer):
    client.force_login(reviewer)
    response = client.get(URL)
    assert response.status_code == 302  # not staff: sent to the admin login
    assert not Article.objects.exists()


def test_article_admin_shows_raw_text_read_only(client, editor, article):
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_article_change", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Time:2025-05-05 23:35:03" in html
    assert 'name="raw_text"' not in html


def test_article_changelist_and_search(client, editor, seed_articles):
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_article_changelist"), {"q": "Cambricon"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
