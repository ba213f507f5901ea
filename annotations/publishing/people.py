"""How people are named in what we publish: full name, else username."""

from __future__ import annotations

from typing import Any


def display_name(first_name: str, last_name: str, username: str) -> str:
    """``User.get_full_name()`` or the username, from the three columns."""
    return f"{first_name} {last_name}".strip() or username


def person(user) -> str | None:
    if user is None:
        return None
    return display_name(user.first_name, user.last_name, user.get_username())


def person_of(row: dict[str, Any], who: str) -> str | None:
    """``person`` from a row holding ``<who>_id``, ``<who>__first_name``, … columns."""
    if row[f"{who}_id"] is None:
        return None
    return display_name(
        row[f"{who}__first_name"], row[f"{who}__last_name"], row[f"{who}__username"]
    )
