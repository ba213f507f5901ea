"""A few claims on the seed articles, in every state, so a fresh demo has something to show.

Made through the same services the app uses (claims.py, workflow.py), so they carry
real events and obey every rule.
"""

from __future__ import annotations

from annotations.appearances import appearance_attach, appearance_confirm
from annotations.claimants import claimant_find_or_create
from annotations.claims import claim_create
from annotations.models import Article, Claim, Verdict
from annotations.workflow import claim_transition

# (seed file prefix, quoted words, verdict, rationale, sources, final state)
DEMO_CLAIMS = [
    ("000", "the company lost $5.5 billion in revenue in the first quarter", "misleading",
     "<p>Nvidia reported a <strong>$5.5 billion charge</strong> for H20 inventory and purchase "
     "commitments, not lost revenue; 001 calls the same figure an impairment.</p>",
     [("https://investor.nvidia.com/", "Nvidia quarterly results", "refutes")], "approved"),
    ("004", "reportedly a third of its income", "false",
     "<p>China (including Hong Kong) was about <em>12%</em> of Nvidia's revenue in the July "
     "quarter, as article 002 reports, not a third.</p>",
     [("https://investor.nvidia.com/", "Nvidia 10-Q, revenue by region", "refutes")], "approved"),
    ("004", "establishing itself as the world’s largest chip exporter", "unproven",
     "<p>Trade statistics rank Taiwan and others ahead by value; the figure given is a "
     "projection.</p>",
     [("https://comtrade.un.org/", "UN Comtrade: integrated circuits exports", "context")],
     "submitted"),
    ("000", "one of the few foundries capable of manufacturing AI processors", "false",
     "<p>ASML makes lithography machines; it is not a foundry.</p>",
     [("https://www.asml.com/en/company/about-asml", "About ASML", "refutes")],
     "changes_requested"),
    ("002", "which accounted for 12% of its revenue in the July quarter", "mostly-true", "", [],
     "draft"),
]  # fmt: skip


# Who said what, and where else it was said (seed prefix, words), for the claims above.
DEMO_CLAIMANTS = {
    "the company lost $5.5 billion in revenue in the first quarter": ("Nvidia", "organisation"),
    "reportedly a third of its income": ("Nvidia", "organisation"),
}
DEMO_ALSO_IN = {
    "the company lost $5.5 billion in revenue in the first quarter": (
        "001", "was forced to record a $5.5 billion impairment",
    ),
}  # fmt: skip


def create_demo_claims(*, reviewer, editor, confirmer=None) -> int:
    """Create the demo claims once (when there are none); return how many were made."""
    if Claim.objects.exists():
        return 0
    made = 0
    for prefix, quote, verdict, rationale, sources, state in DEMO_CLAIMS:
        article = Article.objects.filter(origin__startswith=f"{prefix}_").first()
        if article is None or quote not in article.body:
            continue
        start = article.body.index(quote)
        named = DEMO_CLAIMANTS.get(quote)
        claim = claim_create(
            article=article,
            user=reviewer,
            start=start,
            end=start + len(quote),
            verdict=Verdict.objects.get(slug=verdict),
            rationale=rationale,
            sources=[{"url": u, "title": t, "stance": s} for u, t, s in sources],
            claimant=claimant_find_or_create(user=reviewer, name=named[0], kind=named[1])
            if named
            else None,
        )
        if state != "draft":
            claim = claim_transition(claim=claim, user=reviewer, action="submit")
        if state == "approved":
            claim = claim_transition(claim=claim, user=editor, action="approve")
            also_in(claim, DEMO_ALSO_IN.get(quote), editor, confirmer)
        elif state == "changes_requested":
            claim_transition(
                claim=claim,
                user=editor,
                action="request_changes",
                comment="ASML is not a foundry: say what it does make, and cite it.",
            )
        made += 1
    return made


def also_in(claim: Claim, where: tuple[str, str] | None, editor, confirmer) -> None:
    """The same claim in another seed: proposed by the editor, confirmed by a second one."""
    if where is None or confirmer is None:
        return
    article = Article.objects.filter(origin__startswith=f"{where[0]}_").first()
    if article is None or where[1] not in article.body:
        return
    start = article.body.index(where[1])
    appearance = appearance_attach(
        claim=claim, user=editor, article=article, start=start, end=start + len(where[1])
    )
    appearance_confirm(appearance=appearance, user=confirmer)
