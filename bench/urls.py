"""The app's URLs, a bare JSON view (the load test's yardstick) and the lean claim
list's floor (the peer benchmark's yardstick through gunicorn).

The static files are served by WhiteNoise, as in production (bench/settings.py).
"""

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from factcheck.urls import urlpatterns as app_urlpatterns


def ping(request: HttpRequest) -> JsonResponse:
    """The smallest Django response: the same middleware, no database, no template."""
    return JsonResponse({"ok": True})


_LEAN_SQL: dict[int, str] = {}


def lean_sql(article_id: int) -> str:
    """The SQL our lean claim list runs for the article, captured from the function itself
    once per article (as the bench editor sees it), so the floor never drifts from it."""
    if article_id not in _LEAN_SQL:
        from django.contrib.auth.models import User
        from django.test.utils import CaptureQueriesContext  # here: never at start-up

        from annotations.publishing.workspace import lean_claims

        editor = User.objects.get(username="bench-editor")
        with CaptureQueriesContext(connection) as captured:
            lean_claims(editor, article_id)
        _LEAN_SQL[article_id] = captured.captured_queries[-1]["sql"]
    return _LEAN_SQL[article_id]


def peers_floor(request: HttpRequest, article_id: int) -> HttpResponse:
    """The lean list's own SQL, its rows as dicts straight into JSON: no auth, no DRF."""
    with connection.cursor() as cursor:
        cursor.execute(lean_sql(article_id))
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return HttpResponse(json.dumps(rows, default=str), content_type="application/json")


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    path("bench/peers-floor/<int:article_id>/", peers_floor, name="bench-peers-floor"),
    *app_urlpatterns,
]
