"""Moments people send (ISO 8601) are read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from annotations.publishing.dates import DATE_FORMAT_ERROR, parse_moment

pytestmark = pytest.mark.django_db


def test_any_offset_iso_allows_is_read_as_the_same_moment_in_utc():
    moment = parse_moment("5075-10-13T07:30:13-18:20")
    assert moment == datetime(5075, 10, 14, 1, 50, 13, tzinfo=UTC)
    assert moment.utcoffset().total_seconds() == 0


def test_a_moment_past_the_calendar_is_refused_with_the_format_to_send():
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_moment("9999-12-31T23:00:00-05:00")


@pytest.mark.parametrize(
    ("since", "status"),
    [("5075-10-13T07:30:13-18:20", 200), ("9999-12-31T23:00:00-05:00", 400)],
)
def test_the_export_answers_every_offset_without_a_server_error(editor, since, status):
    """PostgreSQL refuses offsets of 16 hours or more: it was a 500 there (found by fuzzing)."""
    api = APIClient()
    api.force_authenticate(editor)
    response = api.get("/api/v1/claims/", {"updated_since": since})
    assert response.status_code == status
    if status == 400:
        assert response.json()["updated_since"] == [DATE_FORMAT_ERROR]
