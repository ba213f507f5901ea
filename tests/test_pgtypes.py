"""factcheck.pgtypes: timestamps read by psycopg's C parser, as Django would have them."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from annotations.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader")
def test_timestamps_come_back_exact_and_in_djangos_time_zone(seed_articles, reviewer):
    claim = factories.make_submitted(seed_articles["000"], reviewer)
    moment = datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=UTC)
    Claim.objects.filter(pk=claim.pk).update(submitted_at=moment)
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader.__name__ == "CTimestamptzLoader" and loader.timezone is connection.timezone
    read = Claim.objects.filter(pk=claim.pk).values_list("submitted_at", flat=True)[0]
    assert read == moment and read.tzinfo is connection.timezone
    assert Claim.objects.filter(submitted_at=read).exists()  # and it goes back in as it came


def test_the_loader_is_not_installed_on_other_databases():
    if connection.vendor == "postgresql":
        pytest.skip("this checks the other databases")
    from factcheck.pgtypes import use_c_timestamps

    use_c_timestamps(sender=None, connection=connection)  # a no-op, not an error
