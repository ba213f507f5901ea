"""A database that is away answers 503 "try again" (factcheck/unavailable.py), in HTML
for pages and JSON under /api/, whether a view or a middleware met the error. The real
fault (a PostgreSQL restarted mid-request) is in tests/test_faults.py."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from annotations.api import export
from factcheck.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE

pytestmark = pytest.mark.django_db


def gone(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


def test_a_page_whose_database_is_away_says_try_again(client, reviewer, monkeypatch):
    client.force_login(reviewer)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", gone)  # the request's first query
    response = client.get(reverse("annotations:article-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The service is briefly unavailable" in page and UNAVAILABLE in page


def test_the_api_says_it_in_json(client, reviewer, monkeypatch):
    client.force_login(reviewer)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", gone)
    response = client.get("/api/v1/articles/")
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert response.json() == {"detail": UNAVAILABLE}


def test_an_error_outside_the_view_gets_the_same_answer(client, reviewer, monkeypatch):
    """A middleware that meets the database after the view (as the session's does when
    it saves): the server-error handler answers for it."""
    from factcheck.middleware import LoginRefusalMiddleware

    client.force_login(reviewer)
    client.raise_request_exception = False

    def cut(self, request):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(LoginRefusalMiddleware, "__call__", cut)
    response = client.post(reverse("annotations:notifications-read-all"))
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert "Try again in a few seconds" in response.content.decode()


def test_other_server_errors_stay_server_errors(client, reviewer, monkeypatch):
    client.force_login(reviewer)
    client.raise_request_exception = False
    monkeypatch.setattr(export.ArticleListView, "get", lambda self, request: 1 / 0)
    assert client.get("/api/v1/articles/").status_code == 500
