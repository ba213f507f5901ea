"""The app's URLs and a bare JSON view (the load test's yardstick).

The static files are served by WhiteNoise, as in production (bench/settings.py).
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from factcheck.urls import urlpatterns as app_urlpatterns


def ping(request: HttpRequest) -> JsonResponse:
    """The smallest Django response: the same middleware, no database, no template."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping/", ping, name="bench-ping"),
    *app_urlpatterns,
]
