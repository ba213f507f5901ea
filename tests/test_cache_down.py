"""Redis, the cache, goes down: log-in and the API keep working, and changes commit.

Each test starts its own redis-server on a free loopback port (tests/services.py) and
kills it by its PID (never the machine's shared Redis). factcheck/cache.py says what
each use of the cache does meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import redis
from django.test import Client
from django.urls import reverse

from annotations.models import Claim
from factcheck import cache as degrading
from tests import figures
from tests.conftest import PASSWORD
from tests.factories import make_submitted
from tests.services import Redis

LOGIN = reverse("login")
HOME = "198.51.100.7"


def keys(server: Redis) -> int:
    return redis.Redis.from_url(server.url, socket_connect_timeout=0.2).dbsize()


@pytest.fixture
def own_redis(settings, tmp_path) -> Iterator[Redis]:
    server = Redis(tmp_path).start()  # skips, saying why, without redis-server
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.DegradingRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield server
    server.kill()


def log_in(username: str, password: str = PASSWORD) -> tuple[Client, int]:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=HOME)
    return client, response.status_code


@pytest.mark.django_db(transaction=True)
def test_with_redis_killed_log_in_and_the_api_work_and_an_approval_commits(
    own_redis, article, reviewer, editor, caplog
):
    figures.add("faults survived", tried=1)
    claim = make_submitted(article, reviewer)
    claims_url = reverse("api:article-claims", args=[article.pk])

    # While Redis runs, the throttles and the log-in guard count there.
    client, status = log_in("editor")
    assert status == 302
    assert client.get(claims_url).status_code == 200
    assert keys(own_redis) > 0

    own_redis.kill()

    with caplog.at_level(logging.WARNING, logger="factcheck.cache"):
        assert log_in("editor", "wrong password")[1] == 200  # the form, saying so
        client, status = log_in("editor")
        assert status == 302
        assert client.get(claims_url).status_code == 200
        response = client.post(
            reverse("api:claim-transitions", args=[claim.pk]),
            {"action": "approve", "version": claim.version},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert client.get(reverse("api:workspace-claim", args=[claim.pk])).status_code == 200

    # Committed: read back on a connection of its own, outside any request.
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED
    warnings = [r for r in caplog.records if r.name == "factcheck.cache"]
    assert len(warnings) == 1  # one warning for the outage, not one per request
    assert f"127.0.0.1:{own_redis.port}" in warnings[0].getMessage()
    assert "cannot be reached" in warnings[0].getMessage()
    figures.add("faults survived", survived=1)


def test_a_cache_without_redis_answers_from_memory_and_goes_back_when_redis_does(
    own_redis, monkeypatch, caplog
):
    from django.core.cache import cache

    monkeypatch.setattr(degrading, "RETRY_SECONDS", 0)  # try Redis again at every call
    cache.set("kept", 1)
    assert cache.get("kept") == 1
    own_redis.kill()
    caplog.set_level(logging.WARNING, logger="factcheck.cache")

    assert cache.get("kept", "default") == "default"  # Redis's value is out of reach
    with pytest.raises(ValueError):
        cache.incr("counter")  # missing, as Django's caches say it
    assert cache.add("counter", 0) is True
    assert cache.incr("counter") == 1
    assert cache.incr("counter") == 2  # a local count while Redis is away
    cache.touch("counter", 60)
    cache.delete_many(["kept"])
    assert cache.get_many(["counter"]) == {"counter": 2}
    assert caplog.text.count("cannot be reached") == 1  # once for the outage

    own_redis.start()
    assert cache.get("counter") is None  # Redis again: its own keys, not the local count
    assert "answers again" in caplog.text
    cache.set("back", 1)
    assert keys(own_redis) == 1
