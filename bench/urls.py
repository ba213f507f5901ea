"""The app's URLs, a bare JSON view (the load test's yardstick) and the static files.

The static route lets gunicorn serve workspace.js to Chromium with DEBUG off,
as a front proxy would in production.
"""

from django.contrib.staticfiles.views import serve
from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from factcheck.urls import urlpatterns as app_urlpatterns


def ping(request: HttpRequest) -> JsonResponse:
    """The smallest Django response: the same middleware, no database, no template."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    *app_urlpatterns,
]
