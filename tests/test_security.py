"""Headers, login throttling and API throttling."""

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_kind_of_page_sends_a_csp_without_inline_scripts(client, reviewer, article):
    client.force_login(reviewer)
    for url in [
        "/accounts/login/",
        "/articles/",
        article.get_absolute_url(),
        "/checks/",
        "/api/docs/",
        "/admin/login/",
    ]:
        response = client.get(url, follow=True)
        policy = response.headers["Content-Security-Policy"]
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_login_is_slowed_after_repeated_failures(client, reviewer, monkeypatch):
    from factcheck import login_guard

    monkeypatch.setattr(login_guard, "now", lambda: 1_700_000_000.0)  # the clock stands still
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "reviewer", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(url, {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 429  # the password is not even checked before the wait
    assert response["Retry-After"] == "1"
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failure_count(client, reviewer):
    url = reverse("login")
    for _ in range(4):
        client.post(url, {"username": "reviewer", "password": "wrong"})
    assert client.post(url, {"username": "reviewer", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(url, {"username": "reviewer", "password": "wrong"})
    assert client.post(url, {"username": "reviewer", "password": PASSWORD}).status_code == 302


def test_the_api_throttles_a_user_who_sends_too_many_requests(reviewer, article, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = APIClient()
    client.force_authenticate(reviewer)
    url = f"/api/v1/workspace/articles/{article.pk}/claims/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert "Request was throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
