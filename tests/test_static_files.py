"""Static files without collectstatic (tests, `make run`) and the favicon."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_static_files_are_served_in_tests_without_collectstatic(client):
    """The suite runs with the development storage: WhiteNoise finds each file in its app."""
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    response = client.get("/static/annotations/workspace/workspace.js")
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/annotations/favicon.svg"
    assert client.get(response["Location"]).status_code == 200


def test_admin_pages_link_the_icon_and_keep_the_desk_header(client, editor):
    client.force_login(editor)
    for url in ["/admin/login/", "/admin/", "/admin/annotations/claim/"]:
        html = client.get(url, follow=True).content.decode()
        assert '<link rel="icon" href="/static/annotations/favicon.svg"' in html, url
        assert ">Fact-check desk</a>" in html, url
