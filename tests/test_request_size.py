"""Oversized requests are refused from their Content-Length, before the body is read."""

import io

import pytest
from django.urls import reverse

from factcheck.middleware import REQUEST_TOO_LARGE

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SIXTY_MB = 60 * MB


class UnreadableBody(io.RawIOBase):
    """A body that fails the test if anything reads from it."""

    reads = 0

    def read(self, *args):
        UnreadableBody.reads += 1
        raise AssertionError("the request body was read")

    readline = readinto = read


def post_declaring(client, url: str, length: int, **extra):
    UnreadableBody.reads = 0
    return client.post(
        url,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_a_60_mb_upload_to_the_admin_import_is_refused_before_it_is_read(client, editor):
    client.force_login(editor)
    response = post_declaring(client, reverse("admin:annotations_article_import"), SIXTY_MB)
    assert response.status_code == 413
    html = response.content.decode()
    assert "the file is 62,914,560 bytes, over the 5,242,880-byte limit" in html
    assert REQUEST_TOO_LARGE.format(size=SIXTY_MB, limit=5 * MB) in html
    assert UnreadableBody.reads == 0
    # Nothing after the size check ran: no session was loaded, no user, no view.
    assert not hasattr(response.wsgi_request, "user")
    assert not hasattr(response.wsgi_request, "session")
    assert "Content-Security-Policy" in response.headers  # still a page of ours


def test_an_oversized_api_request_gets_json(client, article):
    response = post_declaring(client, f"/api/v1/workspace/articles/{article.pk}/claims/", 6 * MB)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Upload refused: the file is 6,291,456 bytes, over the 5,242,880-byte "
        "limit. Send files of at most 5,242,880 bytes."
    }
    assert UnreadableBody.reads == 0


def test_the_limit_leaves_room_for_the_form_around_a_file_at_the_import_limit(
    client, editor, settings
):
    """A file of exactly the import limit, in its multipart form, goes through."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FACTCHECK_IMPORT_MAX_BYTES = 2000
    settings.FACTCHECK_REQUEST_MAX_BYTES = 2000 + 64 * 1024
    client.force_login(editor)
    body = ("Headline\n\n" + "A sentence of the article. " * 80)[:2000].encode()
    upload = SimpleUploadedFile("limit.txt", body, content_type="text/plain")
    response = client.post(reverse("admin:annotations_article_import"), {"files": [upload]})
    assert response.status_code == 302
    assert int(response.wsgi_request.META["CONTENT_LENGTH"]) > 2000
