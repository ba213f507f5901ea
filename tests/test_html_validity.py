"""The main pages are valid HTML: the Nu HTML Checker (v.Nu) finds no error in any of them.

v.Nu is the W3C's checker (the npm package ``vnu-jar``, a Java program): ``make test``
installs it into var/vnu/ when Java and npm are present (``make vnu``). Where either is
missing the test is skipped and says so; it never passes unchecked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "var" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The command that runs the checker, or a skip that says what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("v.Nu needs Java (17 or later), and java is not on the PATH")
    if not VNU_JAR.exists():
        pytest.skip(f"v.Nu is not installed at {VNU_JAR.relative_to(ROOT)}: run `make vnu`")
    return [java, "-jar", str(VNU_JAR)]


def check(vnu: list[str], pages: dict[str, str], tmp_path: Path) -> list[str]:
    """v.Nu's errors for each page, as "page:line: message" (one Java start for all)."""
    files = {}
    for i, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{i}.html"
        path.write_text(html)
        files[path.name] = name
    done = subprocess.run(
        [*vnu, "--format", "json", "--stdout", "--exit-zero-always", *[str(p) for p in
         tmp_path.glob("*.html")]],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(done.stdout)
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1])}:{m.get('lastLine', '?')}: "
        f"{m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]


@pytest.fixture
def site(client, seed_articles, reviewer, editor, editor2):
    """Every kind of main page, with content in it: a check with a correction and a
    withdrawn one, a claim waiting for review."""
    article = seed_articles["000"]
    check = factories.approved(article, reviewer, editor, "Chinese enterprises are stepping up")
    factories.submitted(article, reviewer, "advanced chip production line in Shenzhen")
    withdrawn = factories.in_state("retracted", seed_articles["001"], reviewer, editor)
    waiting = factories.submitted(seed_articles["002"], reviewer)
    return {
        "article": article,
        "check": check,
        "withdrawn": withdrawn,
        "waiting": waiting,
        "editor": editor,
        "reviewer": reviewer,
    }


def test_the_main_pages_are_valid_html(client, site, vnu, tmp_path):
    pages = {"login": client.get(reverse("login")).content.decode()}
    public = [
        "/checks/",
        f"/checks/{site['check'].pk}/{site['check'].slug}/",
        f"/checks/{site['withdrawn'].pk}/{site['withdrawn'].slug}/",
        f"/checks/articles/{site['article'].pk}/",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    client.force_login(site["reviewer"])
    for url in ["/articles/", f"/articles/{site['article'].pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    client.force_login(site["editor"])
    desk = [
        reverse("admin:index"),
        reverse("admin:annotations_claim_changelist"),
        reverse("admin:annotations_claim_changelist") + "?q=chip&status__exact=submitted",
        reverse("admin:annotations_claim_change", args=[site["waiting"].pk]),
        reverse("admin:annotations_article_changelist"),
        reverse("admin:annotations_claimevent_changelist"),
    ]
    for url in desk:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    errors = check(vnu, pages, tmp_path)
    assert errors == [], "\n".join(errors)


def test_the_checker_finds_an_error_when_there_is_one(vnu, tmp_path):
    """It can fail: a <time> with microseconds, as check pages had."""
    page = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<time datetime="2025-01-31T12:00:00.123456+00:00">31 January</time></body></html>'
    )
    errors = check(vnu, {"bad": page}, tmp_path)
    assert len(errors) == 1 and "datetime" in errors[0]
