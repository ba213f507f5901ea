"""An accessibility audit with axe-core (from the PyPI package axe-playwright-python, which
ships it: nothing is downloaded) in Chromium, of every kind of page people use: the
workspace (with a claim open, and with the claim form open), the public pages, the log-in
page and the desk. No serious or critical violation anywhere, in light and dark mode; the
figures are printed.

Also the dark mode itself: with the system's dark scheme the pages are dark, and their
text (verdict labels included) keeps its contrast.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from annotations.claimants import claimant_find_or_create
from annotations.models import Verdict, claimant_slug
from annotations.publishing.uris import check_path
from tests import factories
from tests.browser.conftest import log_in, log_in_admin
from tests.browser.test_workspace import SENTENCE, drag, wait_for_details
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


@pytest.fixture
def desk(seed_articles, reviewer, editor, editor2):
    """Claims in several states, with rationales in Markdown, so every page has content."""
    article = seed_articles["000"]
    approved = factories.approved(
        article,
        reviewer,
        editor2,
        SENTENCE,
        verdict="half-true",
        rationale="The **plant** exists, but:\n\n- it is *not* running\n- [the report](https://example.org/r)",
    )
    factories.submitted(article, reviewer, "Analysts point out", verdict="misleading")
    claimant = claimant_find_or_create(user=reviewer, name="Huang Renxun")
    factories.make_approved(
        article,
        reviewer,
        editor2,
        quote="Chinese enterprises are stepping up",
        verdict=Verdict.objects.get(slug="false"),
        claimant=claimant,
    )
    factories.draft(article, reviewer, article.body[300:340].strip() or None, verdict="unproven")
    staff_reviewer = make_user("staffreviewer", "Reviewers", is_staff=True)
    own = factories.submitted(seed_articles["001"], staff_reviewer, rationale="Mine, *in review*.")
    claimant_page = reverse("checks:claimant", args=[claimant.pk, claimant_slug(claimant.name)])
    return {
        "article": article,
        "approved": approved,
        "own_in_review": own,
        "claimant_page": claimant_page,
    }


def serious(axe, page) -> list[str]:
    """The page's serious and critical violations, each with the elements it names."""
    results = axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
    return found


def audit_public(page, axe, desk, report) -> None:
    approved = desk["approved"]
    for name, url in [
        ("public list", "/checks/"),
        ("public check", check_path(approved.pk, approved.slug)),
        ("public checked article", f"/checks/articles/{desk['article'].pk}/"),
        ("public claimant page", desk["claimant_page"]),
        ("log-in page", "/accounts/login/"),
    ]:
        page.goto(url)
        report[name] = serious(axe, page)


def audit_workspace(page, axe, desk, report) -> None:
    approved = desk["approved"]
    log_in(page, "reviewer", PASSWORD)
    page.goto(f"/articles/{desk['article'].pk}/#claim-{approved.pk}")
    page.wait_for_selector("html[data-workspace-ready]")
    wait_for_details(page, approved.pk)
    report["workspace, a claim open"] = serious(axe, page)
    page.keyboard.press("Escape")
    drag(page, "China's telecommunications giant")
    page.locator("#claim-form textarea[name=rationale]").fill("Some **bold** text")
    page.locator("#rationale-preview strong").wait_for()
    report["workspace, the claim form open"] = serious(axe, page)
    page.goto("/articles/")
    report["article list"] = serious(axe, page)
    # The landing page after log-in (issue 16's "My work" once it is there).
    page.goto("/")
    report[f"home as a reviewer: {urlsplit(page.url).path}"] = serious(axe, page)


def audit_desk(page, axe, desk, report) -> None:
    log_in_admin(page, "editor", PASSWORD)
    report["desk index"] = serious(axe, page)
    page.goto("/")
    report[f"home as an editor: {urlsplit(page.url).path}"] = serious(axe, page)
    page.goto("/admin/annotations/claim/")
    report["desk claim list"] = serious(axe, page)
    submitted = desk["article"].claims.filter(status="submitted").get()
    page.goto(f"/admin/annotations/claim/{submitted.pk}/change/")
    report["desk claim change page"] = serious(axe, page)
    page.goto(f"/admin/annotations/claim/{desk['approved'].pk}/change/")
    report["desk claim page, approved"] = serious(axe, page)
    # A staff reviewer's own claim in review: the page is read only.
    page.context.clear_cookies()
    log_in_admin(page, "staffreviewer", PASSWORD)
    page.goto(f"/admin/annotations/claim/{desk['own_in_review'].pk}/change/")
    page.locator(".readonly .rationale").wait_for()
    report["desk claim page, read only"] = serious(axe, page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_has_a_serious_accessibility_violation(
    browser, live_server, axe, desk, scheme, capsys
):
    report: dict[str, list[str]] = {}
    for audit in [audit_public, audit_workspace, audit_desk]:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            color_scheme=scheme,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        audit(page, axe, desk, report)
        context.close()
    total = sum(len(found) for found in report.values())
    with capsys.disabled():
        print(f"\naccessibility ({scheme} mode):")
        for name, found in report.items():
            print(f"  {name}: {len(found)} serious or critical")
            for violation in found:
                print(f"    {violation}")
        print(
            f"accessibility ({scheme}): {len(report)} pages, {total} serious or critical violations"
        )
    assert {name: found for name, found in report.items() if found} == {}


# ---------------------------------------------------------------------------
# Dark mode

# The page's ground, and the contrast of each element's text with the ground it sits on
# (the first ancestor with a background colour), as WCAG computes it.
CONTRAST_JS = """
(selectors) => {
  const rgb = (value) => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.append(probe);
    const color = getComputedStyle(probe).color;
    probe.remove();
    const parts = color.match(/[\\d.]+/g).map(Number);
    // color-mix() computes to color(srgb r g b / a), each channel from 0 to 1.
    if (color.startsWith('color(srgb')) return parts.map((v, i) => (i < 3 ? v * 255 : v));
    return parts;
  };
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255)
      .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ground = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = rgb(getComputedStyle(e).backgroundColor);
      if (bg.length < 4 || bg[3] > 0.9) return bg.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const page = ground(document.body);
  const found = {};
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    const color = el && rgb(getComputedStyle(el).color);
    found[sel] = el ? Math.round(ratio(color, ground(el)) * 100) / 100 : null;
  }
  return {page: luminance(page), contrast: found};
}
"""


def test_the_pages_follow_the_systems_dark_mode(browser, live_server, desk):
    pages = {
        "/checks/": [".check-link", ".meta", ".verdict-badge", "h1"],
        check_path(desk["approved"].pk, desk["approved"].slug): [
            "h1",
            ".rationale",
            ".rationale a",
            ".verdict-label",
            ".stance",
            ".byline",
        ],
        f"/checks/articles/{desk['article'].pk}/": [".article-body p", ".hl-label", "a.hl"],
        desk["claimant_page"]: ["h1", ".check-link", ".verdict-badge", ".verdict-mix-table td"],
        f"/articles/{desk['article'].pk}/": [
            "#article-body p",
            ".card-claim",
            ".verdict-chip",
            ".hint",
            "mark.hl",
        ],
    }
    seen = {}
    for scheme in ["light", "dark"]:
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
        page = context.new_page()
        log_in(page, "reviewer", PASSWORD)
        for url, selectors in pages.items():
            page.goto(url)
            if url.startswith("/articles/"):
                page.wait_for_selector("html[data-workspace-ready] .card")
            seen[scheme, url] = page.evaluate(CONTRAST_JS, selectors)
        context.close()
    for url, selectors in pages.items():
        light, dark = seen["light", url], seen["dark", url]
        assert light["page"] > 0.8 and dark["page"] < 0.05, (url, light["page"], dark["page"])
        for selector in selectors:
            assert dark["contrast"][selector] >= 4.5, (url, selector, dark["contrast"])
            assert light["contrast"][selector] >= 4.5, (url, selector, light["contrast"])
