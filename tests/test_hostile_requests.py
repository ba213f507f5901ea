"""No input makes a server error: hostile query strings, headers and bodies sent to every
URL of the URL map, anonymous and as each role, must each get an answer (4xx or 2xx/3xx).

PostgreSQL refuses NUL bytes in text, Python refuses to turn 5,000 digits into an int,
the JSON parser recurses, headers refuse control characters: each of those was a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from tests import factories, figures
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# The query parameters any of our pages or endpoints reads.
PARAMETERS = [
    "q", "verdict", "publisher", "page", "cursor", "page_size", "format", "expand", "article",
    "approved_after", "approved_before", "updated_since", "version", "lang", "status__exact",
    "all", "o", "p", "next", "waiting", "text", "limit",
]  # fmt: skip
HOSTILE_VALUES = {
    "NUL": "%00",
    "NUL inside text": "chip%00s",
    "lone surrogate": "%ED%A0%80",
    "100 kB": "x" * 100_000,
    "huge integer": "9" * 5000,
    "negative integer": "-99999999999999999999",
    "nested brackets": "[" * 2000,
    "percent garbage": "%zz%",
    "line break": "a%0D%0Ab",
}
HOSTILE_HEADERS = {
    "If-Match with 5,000 digits": {"HTTP_IF_MATCH": '"claim-1-v' + "9" * 5000 + '"'},
    "If-None-Match NUL": {"HTTP_IF_NONE_MATCH": '"\x00"'},
    "If-Modified-Since garbage": {"HTTP_IF_MODIFIED_SINCE": "9" * 5000},
    "Accept garbage": {"HTTP_ACCEPT": "application/ld+json; profile=" + "x" * 10_000},
    "X-Forwarded-For garbage": {"HTTP_X_FORWARDED_FOR": "999.1.1.1, %00, " + "a" * 5000},
    "Authorization garbage": {"HTTP_AUTHORIZATION": "Token " + "\x00" * 10},
}
NESTED_JSON = "[" * 2000 + "]" * 2000
WRITE_BODIES = {
    "2,000 nested arrays": NESTED_JSON,
    "2,000 nested objects": '{"a":' * 2000 + "1" + "}" * 2000,
    "NUL in every field": json.dumps(
        {"claim": "\x00", "rationale": "\x00", "start": 0, "end": 5, "action": "\x00",
         "comment": "\x00", "version": "\x00", "sources": [{"url": "https://x.org/\x00"}]}
    ),
    "huge numbers": json.dumps({"start": "9" * 5000, "end": "9" * 5000, "version": "9" * 5000}),
}  # fmt: skip


def routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every route of the URL map, as a pattern string with its converters."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(route: str, ids: dict[str, int]) -> str | None:
    """A route with real ids in place of its parameters (None for regex-only admin routes)."""
    path = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m[1], ids["pk"])), path)
    if "(" in path or "?" in path or "[" in path:
        return None
    return "/" + path


@pytest.fixture
def world(seed_articles, reviewer, editor, admin_user):
    article = seed_articles["000"]
    approved = factories.approved(article, reviewer, editor, "the company lost")
    factories.draft(article, reviewer)
    consumer = make_user("newsroom-cms")
    return {
        "ids": {"pk": approved.pk, "object_id": approved.pk, "id": approved.pk,
                "slug": approved.slug, "app_label": 0, "content_type_id": 0},
        "token": Token.objects.create(user=consumer).key,
        "roles": {"reviewer": reviewer, "editor": editor, "admin": admin_user},
        "article": article,
        "claim": approved,
    }  # fmt: skip


def clients(world) -> Iterator[tuple[str, Client, dict]]:
    yield "anonymous", Client(raise_request_exception=False), {}
    for name, user in world["roles"].items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        yield name, client, {}
    token = {"HTTP_AUTHORIZATION": f"Token {world['token']}"}
    yield "token", Client(raise_request_exception=False), token


def urls(world) -> list[str]:
    found = {concrete(route, world["ids"]) for route in routes()}
    found.discard(None)
    return sorted(found)


def test_no_hostile_request_gets_a_server_error(world, settings, capsys):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "export": None},
    }
    settings.AXES_ENABLED = False
    queries = {
        name: "&".join(f"{p}={value}" for p in PARAMETERS) for name, value in HOSTILE_VALUES.items()
    }
    queries["NUL as a key"] = "%00=1&q%00=2"
    # Each value alone in the search box too: pages that reject unknown parameters early
    # (the admin's changelists) would otherwise never reach their search.
    queries.update({f"q: {name}": f"q={value}" for name, value in HOSTILE_VALUES.items()})
    errors: list[str] = []
    sent = 0
    targets = urls(world)
    for role, client, auth in clients(world):
        for url in targets:
            for name, query in queries.items():
                response = client.get(f"{url}?{query}", **auth)
                sent += 1
                if response.status_code >= 500:
                    errors.append(f"{role} GET {url} ({name}): {response.status_code}")
            for name, headers in HOSTILE_HEADERS.items():
                response = client.get(url, **{**auth, **headers})
                sent += 1
                if response.status_code >= 500:
                    errors.append(f"{role} GET {url} ({name}): {response.status_code}")
        for url in [u for u in targets if u.startswith("/api/v1/workspace/")]:
            for name, body in WRITE_BODIES.items():
                for method in (client.post, client.patch):
                    response = method(url, body, content_type="application/json", **auth)
                    sent += 1
                    if response.status_code >= 500:
                        errors.append(f"{role} {method.__name__} {url} ({name}): 500")
    figures.add("server errors", requests=sent, errors=len(errors))
    assert not errors, "\n".join(errors[:40])
    with capsys.disabled():
        print(f"\nhostile requests: {sent}, URLs: {len(targets)}, server errors: 0")


def test_a_nul_in_the_search_box_is_a_400_that_names_the_parameter(client, reviewer):
    response = client.get("/checks/", {"q": "chip\x00s"})
    assert response.status_code == 400
    assert "The parameter &#x27;q&#x27; holds a control character" in response.content.decode()
    client.force_login(reviewer)
    assert client.get("/articles/", {"q": "\x00"}).status_code == 400
    api = client.get("/api/v1/claims/", {"publisher": "\x00"})
    assert api.status_code == 400
    assert "control character" in api.json()["publisher"][0]


def test_json_nested_too_deeply_is_a_400_that_says_so(client, reviewer, article):
    client.force_login(reviewer)
    response = client.post(
        f"/api/v1/workspace/articles/{article.pk}/claims/",
        NESTED_JSON,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_the_schema_refuses_a_version_it_could_not_name(client):
    assert client.get("/api/schema/", {"version": "\x00"}).status_code == 400
