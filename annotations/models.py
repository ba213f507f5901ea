"""The domain: articles, the verdict scale, claims on spans of text, their sources and events."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple, Self, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import connections, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from annotations import tallies

http_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with http:// or https://.",
)


class HttpURLField(models.URLField):
    """A URL field that accepts only http and https (no javascript:, data:, ftp: …)."""

    default_validators = [http_url_validator]

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


def publisher_from_url(url: str) -> str:
    """The publisher as the URL's host without a leading www., e.g. "toutiao.com"."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket in a scraped line
        return ""
    return host.removeprefix("www.")[:200]


class ArticleQuerySet(models.QuerySet["Article"]):
    def search(self, text: str) -> Self:
        """Articles whose title or text hold every word of ``text`` (stemmed, case and
        accents aside), through their full-text index (``search.py``); text with no
        searchable word is looked for as it is."""
        from annotations.search import matching_articles

        condition = matching_articles(text)
        if condition is None:
            return self.filter(Q(title__icontains=text) | Q(body__icontains=text))
        return self.filter(condition)


class Article(models.Model):
    class Queue(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    source_url = HttpURLField(max_length=1000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    body = models.TextField(help_text="Cleaned text; claims anchor to it by code-point offsets.")
    raw_text = models.TextField(help_text="The imported file exactly as read.")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    origin = models.CharField(max_length=500, unique=True, help_text="File name or URL.")
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_articles",
        editable=False,
    )
    queue_status = models.CharField(
        "queue", max_length=20, choices=Queue.choices, default=Queue.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    due_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Articles imported from the web: where the page was read last, and what its server
    # said about that copy (sent back on the next check as a conditional request).
    fetched_url = HttpURLField(
        max_length=1000, blank=True, help_text="Where the page was read from, after redirects."
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    monitored = models.BooleanField(
        default=False, help_text="Check the original page periodically and follow its changes."
    )
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the text last changed after import."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        # One for each order a list shows articles in, alone and within a queue; the
        # publisher's for the filters' choices (read one value at a time) and for the
        # case-insensitive publisher filter. PostgreSQL adds trigrams on the title
        # (migration 0009) for the desk's search-as-you-type.
        indexes = [
            models.Index(fields=["queue_status", "assignee"]),
            models.Index(fields=["imported_at", "id"], name="article_imported_idx"),
            models.Index(
                fields=["queue_status", "imported_at", "id"], name="article_queue_imported_idx"
            ),
            models.Index(fields=["priority", "id"], name="article_priority_idx"),
            models.Index(fields=["due_date", "id"], name="article_due_idx"),
            models.Index(fields=["publisher"], name="article_publisher_idx"),
            models.Index(Upper("publisher"), name="article_publisher_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Exported claims embed the article (title, URL, byline…) for each of their
            # appearances: mark them changed so incremental sync picks the metadata up.
            touch_claims(Claim.objects.filter(appearances__article=self))

    def get_absolute_url(self) -> str:
        return reverse("annotations:article-detail", args=[self.pk])

    @property
    def from_the_web(self) -> bool:
        """Imported from a web address (its origin), so it can be read again from there."""
        return self.origin.startswith(("http://", "https://"))

    def paragraphs(self) -> list[tuple[int, str]]:
        """The body's paragraphs with their starting code-point offset."""
        result = []
        offset = 0
        for line in self.body.split("\n"):
            if line:
                result.append((offset, line))
            offset += len(line) + 1
        return result


class Verdict(models.Model):
    label = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    rating_value = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="Position on the numeric scale (higher is truer); empty for ratings "
        "outside the scale such as Misleading or Unproven.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(
        max_length=7,
        default="#888888",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")],
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            touch_claims(self.claims.all())  # exported claims embed the verdict's label

    def clean(self) -> None:
        """What a published check says of its verdict (``PUBLISHED_FIELDS``) does not
        change under it: one person renaming "False" would re-rate every check rated
        with it at once, with no second editor looking."""
        if self._state.adding:
            return
        before = Verdict.objects.filter(pk=self.pk).values(*PUBLISHED_VERDICT_FIELDS).first()
        if before is None:
            return
        changed = [f for f in PUBLISHED_VERDICT_FIELDS if before[f] != getattr(self, f)]
        if not changed:
            return
        count = Claim.objects.filter(verdict_id=self.pk, status=Claim.Status.APPROVED).count()
        if count:
            message = VERDICT_IN_USE.format(
                count=count, label=before["label"], fields=" and ".join(changed).replace("_", " ")
            )
            raise ValidationError(dict.fromkeys(changed, message))


PUBLISHED_VERDICT_FIELDS = ("label", "slug", "rating_value")
VERDICT_IN_USE = (
    "{count} published check(s) are rated “{label}”: its {fields} are part of them, so they "
    "cannot change here. Add a new verdict instead, and correct those checks through review."
)


# The permissions that make someone a reviewer (may use the workspace) and an editor
# (may review). Groups grant them (migration 0002); access.py asks them.
WORKSPACE_PERMISSION = "annotations.add_claim"
REVIEW_PERMISSION = "annotations.review_claim"


def claim_slug(text: str) -> str:
    """The words of a claim as the last part of its public address."""
    return slugify(text)[:80].strip("-") or "claim"


def touch_claims(claims: models.QuerySet) -> None:
    """Move claims' ``updated_at`` so that incremental sync sends them again."""
    claims.update(updated_at=timezone.now())


def claimant_slug(name: str) -> str:
    return slugify(name)[:80].strip("-") or "claimant"


def claimant_key(name: str) -> str:
    """What makes two spellings the same claimant: case, accents, punctuation and spacing
    aside ("Jensen  Huang", "jensen huang", "Jensen Huang." are one person)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())[:200]


def validate_same_as(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Give the sameAs links as a list of web addresses.")
    for item in value:
        http_url_validator(item)


class ClaimantQuerySet(models.QuerySet["Claimant"]):
    def current(self) -> ClaimantQuerySet:
        """Claimants not merged into another (the ones lists and suggestions offer)."""
        return self.filter(merged_into__isnull=True)

    def published(self) -> ClaimantQuerySet:
        """Claimants named on at least one published check: the only ones the public
        pages may name (a claimant found only on drafts is the desk's business)."""
        return self.filter(
            Exists(Claim.objects.filter(claimant_id=OuterRef("pk"), status="approved"))
        )


class Claimant(models.Model):
    """Who made a claim: a person or an organisation, shared by all their claims."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    name = models.CharField(max_length=200)
    key = models.CharField(
        max_length=200, unique=True, editable=False, help_text="The name, case and accents aside."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    description = models.CharField(
        "role or description", max_length=300, blank=True, help_text="e.g. CEO of Nvidia"
    )
    same_as = models.JSONField(
        "sameAs links",
        default=list,
        blank=True,
        validators=[validate_same_as],
        help_text="Pages that identify them: Wikipedia, Wikidata… (http or https).",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ClaimantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = claimant_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("checks:claimant", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        return claimant_slug(self.name)

    def clean(self) -> None:
        if not claimant_key(self.name):
            raise ValidationError({"name": "Give the claimant's name."})
        clash = Claimant.objects.filter(key=claimant_key(self.name)).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError(
                {"name": f"{clash.name!r} is already a claimant: choose it instead."}
            )


def visibility(user, via: str = "") -> Q | None:
    """The condition a claim meets for ``user`` to read it on the desk (``None``: they
    read none), on the claim itself or, with ``via="claim__"``, across a relation, so
    a list of appearances filters in its own query rather than through a subquery."""
    if not (user and user.is_authenticated and user.has_perm(WORKSPACE_PERMISSION)):
        return None
    if user.has_perm(REVIEW_PERMISSION):
        return Q()
    return ~Q(**{f"{via}status__in": PRIVATE_STATUSES}) | Q(**{f"{via}author_id": user.pk})


class ClaimQuerySet(models.QuerySet["Claim"]):
    """The read rules, spelled once: what is published, who may see what, what matches.

    The export, the public pages, the workspace and the admin all call these, so a
    claim is "published" or "visible" by the same definition everywhere.
    """

    def approved(self) -> ClaimQuerySet:
        """Published now: what the export and the public lists show."""
        return self.filter(status=Claim.Status.APPROVED)

    def published_once(self) -> ClaimQuerySet:
        """Approved, or withdrawn after publication (the export's tombstones).

        Approval sets ``approved_at`` and nothing clears it.
        """
        return self.filter(Q(status=Claim.Status.APPROVED) | Q(approved_at__isnull=False))

    def public_pages(self) -> ClaimQuerySet:
        """Claims with a public page: approved, or retracted after publication (with a
        notice). A claim withdrawn before anyone approved it (a draft merged into
        another) was never public, and has no page."""
        return self.filter(
            Q(status=Claim.Status.APPROVED)
            | Q(status=Claim.Status.RETRACTED, approved_at__isnull=False)
        )

    def visible_to(self, user) -> ClaimQuerySet:
        """The claims ``user`` may read on the desk: drafts are private to their
        author and editors; people outside the desk see nothing."""
        condition = visibility(user)
        return self.none() if condition is None else self.filter(condition)

    def from_publisher(self, publisher: str) -> ClaimQuerySet:
        """Claims on articles from ``publisher`` (case-insensitive, whole name)."""
        return self.filter(article__publisher__iexact=publisher)

    def text_changed(self) -> ClaimQuerySet:
        """Claims whose quote the article's new text holds only approximately, or not at all:
        the desk's "Text changed under these claims" queue."""
        return self.filter(anchor_state__in=("fuzzy", "orphaned"))

    def search(self, text: str) -> Self:
        """Claims whose wording, quote or rationale hold every word of ``text`` (stemmed,
        case and accents aside), through the full-text index (``search.py``). Text with
        no searchable word (punctuation, a lone stop word) is looked for as it is."""
        from annotations.search import matching

        condition = matching(text)
        if condition is None:
            return self.filter(
                Q(claim__icontains=text) | Q(exact__icontains=text) | Q(rationale__icontains=text)
            )
        return self.filter(condition)


class AnchorState(models.TextChoices):
    """Where a quote stands on its article's current text (``annotations.anchoring``)."""

    ANCHORED = "anchored", "Anchored"
    FUZZY = "fuzzy", "Found approximately"
    ORPHANED = "orphaned", "Not found"


class Claim(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        RETRACTED = "retracted", "Retracted"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField(help_text="Code-point offset into the article body.")
    end = models.PositiveIntegerField(help_text="Code-point offset, exclusive.")
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    claim = models.TextField(help_text="The claim as the reviewer states it.")
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    rationale = models.TextField(
        blank=True, help_text="Sanitised HTML: rationale_markdown rendered (richtext.py)."
    )
    rationale_markdown = models.TextField(
        blank=True,
        help_text="The rationale as its writer typed it (Markdown). Empty for rationales "
        "written as HTML before Markdown: their HTML is kept as it was.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
        help_text="The editor asked to review this claim.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_claims",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.TextField(blank=True)
    claimant = models.ForeignKey(
        Claimant, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claim_date = models.DateField(
        null=True, blank=True, help_text="When it was said (may differ from the article's date)."
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        help_text="The claim this one turned out to be the same as.",
    )
    # When the article's text changes, the quote is looked for again (revisions.py):
    # start/end/exact then describe the current text, unless the quote is orphaned (then
    # they keep the last place it had, on an older revision).
    anchor_state = models.CharField(
        max_length=10, choices=AnchorState.choices, default=AnchorState.ANCHORED, db_index=True
    )
    anchor_score = models.FloatField(null=True, blank=True)
    # A published check whose quoted words changed or vanished under it: when, and the
    # words as they were checked (shown with a notice on its public page).
    text_changed_at = models.DateTimeField(null=True, blank=True)
    quote_as_checked = models.TextField(blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        permissions = [
            ("review_claim", "Can approve, reject or request changes on claims"),
            ("retract_claim", "Can retract approved claims"),
            ("assign_claim", "Can assign claims and articles to people"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_start_before_end"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="claim_approved_has_approver",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="claim_sync_idx"),
            models.Index(fields=["status", "updated_at", "id"], name="claim_status_sync_idx"),
            # The public list newest first, alone and by verdict; "approved in the past 7
            # days" on the desk.
            models.Index(
                fields=["approved_at", "id"],
                condition=Q(status="approved"),
                name="claim_published_idx",
            ),
            models.Index(
                fields=["verdict", "approved_at", "id"],
                condition=Q(status="approved"),
                name="claim_published_verdict_idx",
            ),
            # The queue by waiting time (the admin's "age"), alone and within a status.
            models.Index(Coalesce("submitted_at", "created_at"), "id", name="claim_age_idx"),
            models.Index(
                "status", Coalesce("submitted_at", "created_at"), "id", name="claim_status_age_idx"
            ),
            # The waiting queue by when it was submitted (the desk's chart of its age): read
            # from the index alone.
            models.Index(fields=["status", "submitted_at"], name="claim_status_submitted_idx"),
        ]

    def __str__(self) -> str:
        text = self.claim if len(self.claim) <= 80 else self.claim[:79] + "…"
        return text

    def get_absolute_url(self) -> str:
        return reverse("annotations:article-detail", args=[self.article_id]) + f"#claim-{self.pk}"

    @property
    def slug(self) -> str:
        return claim_slug(self.claim)

    @cached_property
    def content_editor_ids(self) -> frozenset[int]:
        """Everyone who wrote or changed any of the claim's content, at any time and in
        any state: the actors of steps that wrote it, and whoever proposed one of its
        appearances. The four-eyes rule keeps each of them from approving it (one query).
        """
        return writers_of([self.pk]).get(self.pk, frozenset())

    @property
    def has_sources(self) -> bool:
        """Whether it cites a source (reads prefetched sources when a list has them)."""
        return bool(self.sources.all())

    @property
    def orphaned(self) -> bool:
        """The quote is not on the article's current text: its offsets index an old one."""
        return self.anchor_state == AnchorState.ORPHANED

    def clean(self) -> None:
        from annotations.spans import validate_span

        if self.article_id is not None and not self.orphaned:
            validate_span(self.article.body, self.start, self.end)


PRIVATE_STATUSES = (Claim.Status.DRAFT,)


def writers_of(claim_ids: list[int]) -> dict[int, frozenset[int]]:
    """``Claim.content_editor_ids`` of many claims, in one query: the people behind the
    steps that wrote their content (``ClaimEvent.wrote_content``), and the proposers of
    their appearances (a draft's appearances were recorded by their rows alone)."""
    if not claim_ids:
        return {}
    steps = ClaimEvent.objects.filter(
        claim_id__among=claim_ids, wrote_content=True, actor__isnull=False
    ).order_by().values_list("claim_id", "actor_id")
    proposals = Appearance.objects.filter(
        claim_id__among=claim_ids, proposed_by__isnull=False
    ).order_by().values_list("claim_id", "proposed_by_id")
    found: dict[int, set[int]] = {}
    for claim_id, person in steps.union(proposals):
        found.setdefault(claim_id, set()).add(person)
    return {claim_id: frozenset(people) for claim_id, people in found.items()}


class Source(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports the claim"
        REFUTES = "refutes", "Refutes the claim"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    order = models.PositiveSmallIntegerField(default=0)
    url = HttpURLField("URL", max_length=1000)
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT)
    excerpt = models.TextField(blank=True, help_text="The passage quoted from the source.")
    accessed_on = models.DateField(null=True, blank=True)
    archived_url = HttpURLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["claim_id", "order", "id"]

    def __str__(self) -> str:
        return self.title or self.url


class Appearance(models.Model):
    """One place a claim was made: a span of an article's text.

    A claim has one or more; the primary one is the claim's own span (copied into the
    claim's ``article``/``start``/``end``/``exact``/``prefix``/``suffix`` by
    ``appearances.py``, the one place that writes either, so lists read it in one row).
    Adding one to a published claim waits for a second editor to confirm it.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"

    Anchor = AnchorState

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="appearances")
    start = models.PositiveIntegerField(help_text="Code-point offset into the article body.")
    end = models.PositiveIntegerField(help_text="Code-point offset, exclusive.")
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    primary = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CONFIRMED)
    anchor_state = models.CharField(max_length=10, choices=Anchor.choices, default=Anchor.ANCHORED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_appearances",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmed_appearances",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim_id", "-primary", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appearance_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["claim", "article"], name="appearance_once_per_article"
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(primary=True), name="appearance_one_primary"
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start", "end"], name="appearance_text_idx"),
            # The desk's queue newest first, alone and by state (issue 18).
            models.Index(fields=["created_at", "id"], name="appearance_created_idx"),
            models.Index(fields=["state", "created_at", "id"], name="appearance_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.exact[:60]} ({self.article_id})"


class ClaimEmbedding(models.Model):
    """A claim's wording as a sentence vector (the optional semantic engine: embeddings.py)."""

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    vector = models.BinaryField(help_text="float32 values, unit length.")
    text_hash = models.CharField(max_length=32, help_text="Of the wording it was made from.")
    model = models.CharField(max_length=60)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"embedding of claim {self.claim_id}"


class AppendOnlyError(Exception):
    pass


class ClaimEventQuerySet(models.QuerySet["ClaimEvent"]):
    def record(
        self,
        *,
        claim: Claim,
        actor,
        kind: str,
        comment: str = "",
        changes: dict | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
        correction_of: str | None = None,
        wrote_content: bool = False,
        at=None,
    ) -> ClaimEvent:
        """Append one event to ``claim``'s history: the one place events are made.

        ``from_status``/``to_status`` default to the claim's status (an edit or an
        assignment changes none). ``correction_of`` is the verdict label a published
        claim had before this step; passing it marks the event as a correction.
        """
        event = self.create(
            claim=claim,
            actor=actor,
            kind=kind,
            from_status=claim.status if from_status is None else from_status,
            to_status=claim.status if to_status is None else to_status,
            comment=(comment or "").strip(),
            changes=changes or {},
            is_correction=correction_of is not None,
            previous_verdict=correction_of or "",
            wrote_content=wrote_content,
            at=at or timezone.now(),
        )
        if kind == ClaimEvent.Kind.TRANSITION:
            # The claim's submitted_at is still the submission this step answers (a
            # submission stamps it before it is recorded, and counts no wait).
            TransitionTally.objects.add(tally_key(_step(event), submitted_at=claim.submitted_at))
        return event

    def update(self, **kwargs):
        raise AppendOnlyError("Claim events are an audit trail: they cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Claim events are an audit trail: they cannot be deleted.")


class ClaimEvent(models.Model):
    """One step in a claim's history: a transition or a recorded edit. Append-only."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", "Transition"
        EDIT = "edit", "Edit"
        ASSIGNMENT = "assignment", "Assignment"
        APPEARANCE = "appearance", "Appearance"
        ANCHOR = "anchor", "Text changed"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="claim_events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    is_correction = models.BooleanField(
        default=False, help_text="A change to a published verdict: shown as a correction."
    )
    previous_verdict = models.CharField(max_length=60, blank=True)
    # Whether this step wrote any of what would be published (the wording, verdict,
    # rationale, sources, claimant, date, or an appearance): its actor then counts as
    # one of the claim's authors, and may not approve it (workflow's four-eyes rule).
    wrote_content = models.BooleanField(
        default=False, help_text="The step changed the claim's content: its actor is an author."
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ClaimEventQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "at", "id"]
        # The history newest first within each of the desk's filters, so that a filter
        # matching nothing answers from its index rather than by reading every event.
        # PostgreSQL adds trigrams on the comment (migration 0009) for the search box.
        indexes = [
            models.Index(fields=["kind", "at", "id"], name="claimevent_kind_idx"),
            models.Index(fields=["to_status", "at", "id"], name="claimevent_step_idx"),
            models.Index(fields=["is_correction", "at", "id"], name="claimevent_correction_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.TRANSITION:
            return f"{self.from_status} → {self.to_status}"
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Claim events are an audit trail: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Claim events are an audit trail: they cannot be deleted.")

    def clean(self) -> None:
        if self.pk is not None:
            raise ValidationError("Claim events cannot be changed.")


# An editor's answer to a submission: what ends the wait the desk's charts measure.
ANSWERS = (Claim.Status.APPROVED, Claim.Status.REJECTED, Claim.Status.CHANGES_REQUESTED)


class TallyKey(NamedTuple):
    day: date
    to_status: str
    actor_id: int  # 0: nobody (a system step)
    verdict_id: int  # 0: none, or not an approval
    wait_bucket: int  # tallies.NO_WAIT, or the bucket of the wait an answer ended


class Step(NamedTuple):
    """One transition, as the tallies read it."""

    claim_id: int
    at: datetime
    from_status: str
    to_status: str
    actor_id: int | None
    verdict_id: int | None


def _step(event: ClaimEvent) -> Step:
    return Step(event.claim_id, event.at, event.from_status, event.to_status, event.actor_id,
                event.claim.verdict_id)  # fmt: skip


def tally_key(step: Step, *, submitted_at: datetime | None) -> TallyKey:
    """The tally a transition adds one to. ``submitted_at``: when the submission it
    answers was made (None when unknown)."""
    answered = step.from_status == Claim.Status.SUBMITTED and step.to_status in ANSWERS
    bucket = tallies.NO_WAIT
    if answered and submitted_at is not None and submitted_at <= step.at:
        bucket = tallies.wait_bucket((step.at - submitted_at).total_seconds())
    approved = step.to_status == Claim.Status.APPROVED
    return TallyKey(
        day=tallies.day_of(step.at),
        to_status=step.to_status,
        actor_id=step.actor_id or 0,
        verdict_id=(step.verdict_id or 0) if approved else 0,
        wait_bucket=bucket,
    )


def tally_history(steps: Iterable[Step]) -> Counter:
    """The tallies of a whole history, ``steps`` in order (claim, time, id): each answer
    waited since the claim's latest submission before it. For migrations and bulk loads,
    which write events without ``ClaimEvent.objects.record``."""
    counted: Counter = Counter()
    last_submitted: dict[int, datetime] = {}
    for step in steps:
        counted[tally_key(step, submitted_at=last_submitted.get(step.claim_id))] += 1
        if step.to_status == Claim.Status.SUBMITTED:
            last_submitted[step.claim_id] = step.at
    return counted


def history_steps(events: models.QuerySet) -> Iterable[Step]:
    """``events``' transitions as steps, in the order ``tally_history`` reads them
    (the claim's verdict as it is now: the events do not keep it)."""
    rows = (
        events.filter(kind="transition")
        .order_by("claim_id", "at", "id")
        .values_list("claim_id", "at", "from_status", "to_status", "actor_id", "claim__verdict_id")
    )
    return (Step(*row) for row in rows.iterator(chunk_size=5000))


def count_history(events: models.QuerySet, into: models.QuerySet) -> int:
    """Write the tallies of every transition in ``events`` into ``into`` (empty);
    the number of tallies. Takes querysets so that a migration can pass its own models."""
    counted = tally_history(history_steps(events))
    into.bulk_create(
        (into.model(**key._asdict(), n=n) for key, n in counted.items()), batch_size=2000
    )
    return len(counted)


class TransitionTallyQuerySet(models.QuerySet["TransitionTally"]):
    def add(self, key: TallyKey) -> None:
        """One more transition: insert the tally, or add one to it (one statement, safe
        against a concurrent step adding to the same tally)."""
        ops = connections[self.db].ops
        table = ops.quote_name(self.model._meta.db_table)
        columns = [ops.quote_name(name) for name in (*TallyKey._fields, "n")]
        keys = ", ".join(columns[:-1])
        n = columns[-1]
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({keys}, {n}) VALUES (%s, %s, %s, %s, %s, 1)"  # noqa: S608
                f" ON CONFLICT ({keys}) DO UPDATE SET {n} = {table}.{n} + 1",
                list(key),
            )

    def rebuild(self) -> int:
        """Count every transition again from the events; the number of tallies."""
        with transaction.atomic(using=self.db):
            self.all().delete()
            return count_history(ClaimEvent.objects.using(self.db), self.all())


class TransitionTally(models.Model):
    """How many transitions of a kind a day saw: what the desk's charts sum.

    Kept by ``ClaimEvent.objects.record`` as each transition is recorded (see
    ``annotations.tallies``), so a chart over twelve weeks reads a few rows a day
    rather than every event of the window.
    """

    day = models.DateField(help_text="The local day of the transition.")
    to_status = models.CharField(max_length=20)
    actor_id = models.PositiveIntegerField(help_text="Who made the step; 0 for nobody.")
    verdict_id = models.PositiveIntegerField(help_text="The verdict approved; 0 otherwise.")
    wait_bucket = models.SmallIntegerField(
        help_text="For an answer to a submission, how long it waited (tallies.wait_bucket); "
        "-1 otherwise."
    )
    n = models.PositiveIntegerField(default=0)

    objects = TransitionTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=TallyKey._fields, name="transition_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} → {self.to_status}: {self.n}"


_RecordT = TypeVar("_RecordT", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_RecordT]):
    """Rows that are a record: added, never changed or deleted in bulk."""

    what = "These rows are a record"

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.what}: they cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.what}: they cannot be deleted.")


class ArticleRevisionQuerySet(AppendOnlyQuerySet["ArticleRevision"]):
    what = "Article revisions are a record"


class ArticleRevision(models.Model):
    """One version of an article's text, as imported or fetched. Append-only.

    Revision 1 is the first import; each later import of changed content adds one and
    moves the article to it. The article's own columns are always its newest revision.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField()
    raw_text = models.TextField(help_text="What was read, exactly (see encoding).")
    encoding = models.CharField(
        max_length=40, default="utf-8", help_text="raw_text encoded with this is the bytes read."
    )
    content_hash = models.CharField(max_length=64)
    fetched_url = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_revisions",
    )

    objects = ArticleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of “{self.article}”"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Article revisions are a record: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Article revisions are a record: they cannot be deleted.")


class ClaimAnchor(models.Model):
    """Where a claim's quote sat on one (older) revision of its article.

    Written when a revision is left for a newer one, so each old text keeps the offsets
    that index it while the claim's own columns follow the current text.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="anchors")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.CASCADE, related_name="anchors")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=10, choices=AnchorState.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim_id", "revision_id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "revision"], name="one_anchor_per_revision")
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} on revision {self.revision_id}"


class JobQuerySet(models.QuerySet["Job"]):
    """The sweep's two questions (``jobs.sweep``), asked the same way wherever a job is
    sent or claimed."""

    def unsent(self, now: datetime, lease: timedelta) -> JobQuerySet:
        """Queued and never handed to the broker, or handed to it a lease ago and still
        queued (its message was lost)."""
        return self.filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - lease), state="queued")

    def stranded(self, now: datetime) -> JobQuerySet:
        """Running with no live lease: its worker vanished or lost its database."""
        return self.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), state="running")


class Job(models.Model):
    """Long work (imports from the web, refreshes, checks of monitored articles) done in
    the background: one item per address or article, each applied exactly once."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import from web addresses"
        REFRESH = "refresh", "Refresh from source"
        CHECK = "check", "Check monitored articles"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    update = models.BooleanField(
        default=True, help_text="Move articles whose text changed to the new text."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(
        blank=True, help_text="Why the job itself stopped, or why it waits, if it does."
    )
    # A queued job whose message never reached the broker has no sent_at: the sweep
    # sends it (annotations/jobs.py). A running job whose lease ran out lost its worker.
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last handed to the job queue."
    )
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="While running: its worker renews this after each address."
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep's two questions: queued and never sent, running and lease over.
            models.Index(
                fields=["state", "lease_until"],
                condition=Q(state__in=["queued", "running"]),
                name="job_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class JobItem(models.Model):
    """One address or article of a job: done (with its result) or failed (with the reason)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    url = models.CharField(max_length=1000)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="job_items"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    result = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="job_item_position_unique")
        ]

    def __str__(self) -> str:
        return self.url


class Notification(models.Model):
    """Work that reached someone: shown in their list until read, and emailed unless muted.

    Made only by ``annotations.notifications`` (called from workflow.py and claims.py).
    """

    class Kind(models.TextChoices):
        ARTICLE_ASSIGNED = "article_assigned", "An article is assigned to me"
        CLAIM_ASSIGNED = "claim_assigned", "A claim is assigned to me for review"
        CHANGES_REQUESTED = "changes_requested", "Changes are requested on my claim"
        APPROVED = "approved", "My claim is approved"
        REJECTED = "rejected", "My claim is rejected"
        RETRACTED = "retracted", "My claim is retracted"
        COMMENT = "comment", "Someone comments on or changes my claim"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email went out; set once, so it goes once."
    )
    email_due = models.BooleanField(
        default=True,
        help_text="The email is still to be sent (or found not wanted): the sweep sends "
        "what its job did not.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's unread count and the list, newest first.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
            # The sweep's emails still due: a handful among all notifications.
            models.Index(
                fields=["created_at"], condition=Q(email_due=True), name="notification_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recipient})"


class NotificationPreference(models.Model):
    """One person's choice about email for one kind of notification (no row: email on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} email {'on' if self.email else 'off'}"
