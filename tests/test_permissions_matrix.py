"""Who may do what, URL by URL: a table of expected status codes, checked cell by cell.

Actors: anonymous, reviewer A (who wrote the claims), reviewer B, an editor, the
superuser admin, and a downstream tool's API token (an account in no group).
Every cell starts from fresh objects, so a DELETE or a transition in one cell
cannot change another's answer. The four-eyes paths (every way to approve, after every
way an editor can touch the content) are crossed in ``tests/test_four_eyes.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from annotations.models import Claim
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "reviewer_a", "reviewer_b", "editor", "admin", "token"]
LOGIN = "login"  # a 302 to a log-in page (the site's, or the admin's for non-staff)
ADMIN_LOGIN = LOGIN


@dataclass
class Cell:
    method: str
    url: Callable[[dict], str]  # built from the fresh objects
    expected: dict[str, int | str]
    body: dict | None = None
    version_header: bool = False  # send If-Match with the claim's current version


def both(code: int) -> dict[str, int | str]:
    return dict.fromkeys(ACTORS, code)


# fmt: off
MATRIX: dict[str, Cell] = {
    # reviewer pages
    # My work for people signed in; visitors (and tools with a token) go to /checks/
    "home": Cell("GET", lambda o: "/", {
        "anonymous": 302, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 302}),
    "notifications": Cell("GET", lambda o: "/notifications/", {
        "anonymous": LOGIN, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": LOGIN}),
    "notification emails": Cell("GET", lambda o: "/notifications/settings/", {
        "anonymous": LOGIN, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": LOGIN}),
    "mark all read": Cell("POST", lambda o: "/notifications/read/", {
        "anonymous": LOGIN, "reviewer_a": 302, "reviewer_b": 302, "editor": 302, "admin": 302,
        "token": LOGIN}),
    "article list": Cell("GET", lambda o: "/articles/", {
        "anonymous": LOGIN, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": LOGIN}),
    "workspace page": Cell("GET", lambda o: f"/articles/{o['article'].pk}/", {
        "anonymous": LOGIN, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": LOGIN}),
    # the admin
    "admin index": Cell("GET", lambda o: "/admin/", {
        "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
        "editor": 200, "admin": 200, "token": ADMIN_LOGIN}),
    "admin claim list": Cell("GET", lambda o: "/admin/annotations/claim/", {
        "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
        "editor": 200, "admin": 200, "token": ADMIN_LOGIN}),
    "admin draft change page": Cell(
        "GET", lambda o: f"/admin/annotations/claim/{o['draft'].pk}/change/", {
            "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
            "editor": 200, "admin": 200, "token": ADMIN_LOGIN}),
    "admin approve button": Cell(
        "POST", lambda o: f"/admin/annotations/claim/{o['submitted'].pk}/transition/", {
            "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
            "editor": 302, "admin": 302, "token": ADMIN_LOGIN},
        body={"action": "approve", "version": "{submitted_version}"}),
    "admin skip to the next claim": Cell(
        "GET", lambda o: f"/admin/annotations/claim/{o['submitted'].pk}/next/", {
            "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
            "editor": 302, "admin": 302, "token": ADMIN_LOGIN}),
    "admin chart CSV": Cell("GET", lambda o: "/admin/annotations/claim/charts/decided.csv", {
        "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
        "editor": 200, "admin": 200, "token": ADMIN_LOGIN}),
    "admin article import": Cell("GET", lambda o: "/admin/annotations/article/import/", {
        "anonymous": ADMIN_LOGIN, "reviewer_a": ADMIN_LOGIN, "reviewer_b": ADMIN_LOGIN,
        "editor": 200, "admin": 200, "token": ADMIN_LOGIN}),
    # public pages
    "public list": Cell("GET", lambda o: "/checks/", both(200)),
    "public approved check": Cell(
        "GET", lambda o: f"/checks/{o['approved'].pk}/{o['approved'].slug}/", both(200)),
    "public draft check": Cell(
        "GET", lambda o: f"/checks/{o['draft'].pk}/{o['draft'].slug}/", both(404)),
    "public submitted check": Cell(
        "GET", lambda o: f"/checks/{o['submitted'].pk}/{o['submitted'].slug}/", both(404)),
    "public checked article": Cell(
        "GET", lambda o: f"/checks/articles/{o['article'].pk}/", both(200)),
    "api schema": Cell("GET", lambda o: "/api/schema/", both(200)),
    "api docs": Cell("GET", lambda o: "/api/docs/", both(200)),
    # the workspace API
    "list an article's claims": Cell(
        "GET", lambda o: f"/api/v1/workspace/articles/{o['article'].pk}/claims/", {
            "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
            "token": 403}),
    "create a claim": Cell(
        "POST", lambda o: f"/api/v1/workspace/articles/{o['article'].pk}/claims/", {
            "anonymous": 401, "reviewer_a": 201, "reviewer_b": 201, "editor": 201, "admin": 201,
            "token": 403},
        body={"start": 0, "end": 20}),
    "read A's draft": Cell("GET", lambda o: f"/api/v1/workspace/claims/{o['draft'].pk}/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 404, "editor": 200, "admin": 200,
        "token": 403}),
    "change A's draft": Cell("PATCH", lambda o: f"/api/v1/workspace/claims/{o['draft'].pk}/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 404, "editor": 200, "admin": 200,
        "token": 403}, body={"claim": "changed"}, version_header=True),
    "delete A's draft": Cell("DELETE", lambda o: f"/api/v1/workspace/claims/{o['draft'].pk}/", {
        "anonymous": 401, "reviewer_a": 204, "reviewer_b": 404, "editor": 204, "admin": 204,
        "token": 403}, version_header=True),
    "submit A's draft": Cell(
        "POST", lambda o: f"/api/v1/workspace/claims/{o['draft'].pk}/transitions/", {
            "anonymous": 401, "reviewer_a": 200, "reviewer_b": 404, "editor": 200,
            "admin": 200, "token": 403}, body={"action": "submit"}),
    "read A's submitted claim": Cell(
        "GET", lambda o: f"/api/v1/workspace/claims/{o['submitted'].pk}/", {
            "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200,
            "admin": 200, "token": 403}),
    "change A's submitted claim": Cell(
        "PATCH", lambda o: f"/api/v1/workspace/claims/{o['submitted'].pk}/", {
            "anonymous": 401, "reviewer_a": 403, "reviewer_b": 403, "editor": 200,
            "admin": 200, "token": 403}, body={"claim": "changed"}, version_header=True),
    "approve A's claim": Cell(
        "POST", lambda o: f"/api/v1/workspace/claims/{o['submitted'].pk}/transitions/", {
            "anonymous": 401, "reviewer_a": 403, "reviewer_b": 403, "editor": 200,
            "admin": 200, "token": 403}, body={"action": "approve"}),
    "request changes on A's claim": Cell(
        "POST", lambda o: f"/api/v1/workspace/claims/{o['submitted'].pk}/transitions/", {
            "anonymous": 401, "reviewer_a": 403, "reviewer_b": 403, "editor": 200,
            "admin": 200, "token": 403}, body={"action": "request_changes", "comment": "Why?"}),
    "retract an approved claim": Cell(
        "POST", lambda o: f"/api/v1/workspace/claims/{o['approved'].pk}/transitions/", {
            "anonymous": 401, "reviewer_a": 403, "reviewer_b": 403, "editor": 200,
            "admin": 200, "token": 403}, body={"action": "retract", "comment": "Wrong."}),
    # the export
    "export A's draft": Cell("GET", lambda o: f"/api/v1/claims/{o['draft'].pk}/", {
        "anonymous": 401, "reviewer_a": 404, "reviewer_b": 404, "editor": 404, "admin": 404,
        "token": 404}),
    "export A's submitted claim": Cell("GET", lambda o: f"/api/v1/claims/{o['submitted'].pk}/", {
        "anonymous": 401, "reviewer_a": 404, "reviewer_b": 404, "editor": 404, "admin": 404,
        "token": 404}),
    "export list": Cell("GET", lambda o: "/api/v1/claims/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 200}),
    "export approved claim": Cell("GET", lambda o: f"/api/v1/claims/{o['approved'].pk}/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 200}),
    "export jsonl": Cell("GET", lambda o: "/api/v1/claims/export.jsonl", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 200}),
    "export articles": Cell("GET", lambda o: "/api/v1/articles/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 200}),
    "export one article": Cell("GET", lambda o: f"/api/v1/articles/{o['article'].pk}/", {
        "anonymous": 401, "reviewer_a": 200, "reviewer_b": 200, "editor": 200, "admin": 200,
        "token": 200}),
}
# fmt: on


@pytest.fixture
def cast(seed_articles):
    people = {
        "reviewer_a": make_user("reviewer_a", "Reviewers"),
        "reviewer_b": make_user("reviewer_b", "Reviewers"),
        "editor": make_user("editor_m", "Editors", is_staff=True),
        "admin": User.objects.create_superuser("admin_m", "admin@example.org", "x"),
        "consumer": make_user("consumer"),
    }
    people["token_key"] = Token.objects.create(user=people["consumer"]).key
    return people


def fresh_objects(cast, article) -> dict:
    a, editor = cast["reviewer_a"], cast["editor"]
    words = [t for _, t in article.paragraphs()]
    return {
        "article": article,
        "draft": factories.draft(article, a, words[3][:30].strip()),
        "submitted": factories.submitted(article, a, words[4][:30].strip()),
        "approved": factories.approved(article, a, editor, words[5][:30].strip()),
    }


def request(actor: str, cast: dict, cell: Cell, objects: dict):
    client = Client()
    headers = {}
    if actor == "token":
        headers["HTTP_AUTHORIZATION"] = f"Token {cast['token_key']}"
    elif actor != "anonymous":
        client.force_login(cast[actor])
    url = cell.url(objects)
    body = dict(cell.body or {})
    if body.get("version") == "{submitted_version}":
        body["version"] = str(objects["submitted"].version)
    if cell.version_header:
        claim = Claim.objects.get(pk=int(url.strip("/").split("/")[-1]))
        headers["HTTP_IF_MATCH"] = f'"claim-{claim.pk}-v{claim.version}"'
    if cell.method == "GET":
        return client.get(url, **headers)
    if url.startswith("/admin/"):
        return client.post(url, body, **headers)
    return client.generic(
        cell.method, url, data=json.dumps(body), content_type="application/json", **headers
    )


def answer(response) -> int | str:
    """The status code, or "login" for a redirect to a log-in page."""
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


def test_every_url_and_method_for_every_actor(cast, seed_articles, capsys):
    article = seed_articles["000"]
    failures = []
    cells = 0
    for name, cell in MATRIX.items():
        for actor in ACTORS:
            objects = fresh_objects(cast, article)
            response = request(actor, cast, cell, objects)
            expected = cell.expected[actor]
            cells += 1
            if answer(response) != expected:
                failures.append(f"{name} as {actor}: {answer(response)}, expected {expected}")
    assert not failures, "\n".join(failures)
    with capsys.disabled():
        print(
            f"\npermissions matrix: {len(MATRIX)} URLs x {len(ACTORS)} actors = "
            f"{cells} cells checked, 0 wrong"
        )


@pytest.mark.parametrize("actor", ["reviewer_a", "reviewer_b", "editor", "admin", "token"])
def test_the_export_never_shows_a_claim_that_is_not_approved(cast, seed_articles, actor):
    article = seed_articles["003"]
    a, editor = cast["reviewer_a"], cast["editor"]
    texts = [t[:30].strip() for _, t in article.paragraphs()]
    unpublished = [
        factories.in_state(state, article, a, editor, texts[i])
        for i, state in enumerate(["draft", "submitted", "rejected", "changes_requested",
                                   "retracted", "reopened"])
    ]  # fmt: skip
    approved = factories.approved(article, a, editor, texts[8])
    client = Client()
    headers = {}
    if actor == "token":
        headers["HTTP_AUTHORIZATION"] = f"Token {cast['token_key']}"
    else:
        client.force_login(cast[actor])
    listed = {c["id"] for c in client.get("/api/v1/claims/", **headers).json()["results"]}
    assert listed == {approved.pk}
    lines = b"".join(client.get("/api/v1/claims/export.jsonl", **headers).streaming_content)
    exported = {json.loads(line)["id"] for line in lines.splitlines() if line}
    assert exported == {approved.pk}
    articles = client.get(f"/api/v1/articles/{article.pk}/", **headers).json()
    assert {c["id"] for c in articles["claims"]} == {approved.pk}
    # The export detail is the export for everyone, in every format: never a draft;
    # a claim withdrawn after publication is gone (410, its tombstone), never shown.
    for claim in unpublished:
        for fmt in ["json", "claimreview", "webannotation"]:
            response = client.get(f"/api/v1/claims/{claim.pk}/", {"format": fmt}, **headers)
            expected = 410 if claim.approved_at else 404
            assert response.status_code == expected, (claim.status, fmt, response.status_code)
            assert claim.claim not in response.content.decode()
