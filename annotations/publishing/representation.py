"""Which of our JSON's two versions a consumer reads, and what version 2 leaves out.

Version 1 (the default, unchanged) carries on every claim its article as an object,
the same article again in every appearance, and the rationale twice (HTML and plain
text). Version 2 names the article by id (``article_id``, in the claim and in each
appearance) and carries the rationale as HTML only: a third fewer bytes per claim. A
consumer asks back what it needs with ``include`` (``article``, ``rationale_text``).
Only our JSON and JSON Lines have versions; ClaimReview and Web Annotation are
standards with their own shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSIONS = (1, 2)
INCLUDABLE = ("article", "rationale_text")
UNKNOWN_INCLUDE = "Unknown include {name!r}: choose from {choices}."


@dataclass(frozen=True)
class Representation:
    version: int = 1
    include: frozenset[str] = frozenset()

    @classmethod
    def of(cls, version: int | None, include: str | list[str] | None = None) -> Representation:
        """From the query (``version=2&include=article``) or the command's options;
        ValueError names a wrong include."""
        names = include.split(",") if isinstance(include, str) else list(include or [])
        names = [name.strip() for name in names if name.strip()]
        for name in names:
            if name not in INCLUDABLE:
                raise ValueError(UNKNOWN_INCLUDE.format(name=name, choices=", ".join(INCLUDABLE)))
        return cls(version or 1, frozenset(names))

    def has(self, name: str) -> bool:
        """Whether a field version 2 makes optional is in this representation."""
        return self.version == 1 or name in self.include

    @property
    def key(self) -> str:
        """What ETags carry: the same data in two representations are two resources."""
        return f"v{self.version}:" + ",".join(sorted(self.include))


V1 = Representation()
