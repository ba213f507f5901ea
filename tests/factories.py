"""Claims in every state, made through the same services the app uses."""

from __future__ import annotations

from annotations.claims import claim_create
from annotations.models import Article, Claim, Verdict
from annotations.workflow import claim_transition

SOURCE = {"url": "https://example.org/report", "title": "The report", "stance": "refutes"}


def span(article: Article, n: int = 0) -> tuple[int, int]:
    """A span of up to 20 characters at the start of the article's n-th paragraph."""
    paragraphs = article.paragraphs()
    offset, text = paragraphs[n % len(paragraphs)]
    return offset, offset + min(20, len(text.rstrip()))


def make_draft(
    article: Article, author, *, complete: bool = True, n: int = 0, quote: str = "", **extra
) -> Claim:
    """A draft through the same service the workspace uses; complete = ready to submit.

    It sits on ``quote`` (its first occurrence) or else at the start of paragraph ``n``.
    """
    if quote:
        start = article.body.index(quote)
        end = start + len(quote)
    else:
        start, end = span(article, n)
    if complete:
        extra.setdefault("verdict", Verdict.objects.get(slug="false"))
        extra.setdefault("rationale", "The report says otherwise.")
        extra.setdefault("sources", [SOURCE])
    return claim_create(article=article, user=author, start=start, end=end, **extra)


def make_submitted(article: Article, author, **extra) -> Claim:
    claim = make_draft(article, author, **extra)
    return claim_transition(claim=claim, user=author, action="submit")


def make_approved(article: Article, author, editor, **extra) -> Claim:
    claim = make_submitted(article, author, **extra)
    return claim_transition(claim=claim, user=editor, action="approve")


def draft(article: Article, author, text: str | None = None, *, verdict: str = "false",
          sources: int = 1, rationale: str = "Because the *record* says so.",
          claim: str = "") -> Claim:  # fmt: skip
    """A draft on the first occurrence of ``text`` (default: the body's first 40 characters)."""
    return make_draft(
        article,
        author,
        quote=text or article.body[:40].strip(),
        text=claim,
        verdict=Verdict.objects.get(slug=verdict) if verdict else None,
        rationale=rationale,
        sources=[
            {
                "url": f"https://example.org/source-{i}",
                "title": f"Source {i}",
                "publisher": "Example News",
                "stance": "refutes",
                "excerpt": f"Excerpt {i}",
            }
            for i in range(sources)
        ],  # fmt: skip
    )


def submitted(article: Article, author, text: str | None = None, **kwargs) -> Claim:
    claim = draft(article, author, text, **kwargs)
    return claim_transition(claim=claim, user=author, action="submit")


def approved(article: Article, author, editor, text: str | None = None, **kwargs) -> Claim:
    claim = submitted(article, author, text, **kwargs)
    return claim_transition(claim=claim, user=editor, action="approve")


def in_state(state: str, article: Article, author, editor, text: str | None = None) -> Claim:
    """A claim in ``state``, reached through the workflow's own transitions."""
    if state == "draft":
        return draft(article, author, text)
    claim = submitted(article, author, text)
    steps = {
        "submitted": [],
        "approved": [("approve", "")],
        "rejected": [("reject", "Not a checkable claim.")],
        "changes_requested": [("request_changes", "Add a primary source.")],
        "retracted": [("approve", ""), ("retract", "The source was misread.")],
        "reopened": [("approve", ""), ("retract", "Misread."), ("reopen", "")],
    }[state]
    for action, comment in steps:
        user = author if action == "reopen" else editor
        claim = claim_transition(claim=claim, user=user, action=action, comment=comment)
    return claim


def corrected(claim: Claim, editor, approver, **fields) -> Claim:
    """A published claim corrected the one way there is: retracted, reopened, changed,
    resubmitted by ``editor``, and approved again by ``approver`` (who changed nothing)."""
    from annotations.claims import claim_update

    claim = claim_transition(claim=claim, user=editor, action="retract", comment="Correcting")
    claim = claim_transition(claim=claim, user=editor, action="reopen")
    claim = claim_update(claim=claim, user=editor, version=claim.version, **fields)
    claim = claim_transition(claim=claim, user=editor, action="submit")
    return claim_transition(claim=claim, user=approver, action="approve")
