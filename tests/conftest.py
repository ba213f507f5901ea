"""The cast every test uses: people with names, built once per test."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from annotations.importers import import_paths
from tests.pageserver import pages  # noqa: F401  (a fixture: a local web server)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PASSWORD = "correct-horse-battery-staple"


def ensure_default_data() -> None:
    """The verdict scale and groups come from a data migration; transactional tests
    (browser, concurrency) flush the database afterwards, so put them back when gone."""
    if not Group.objects.filter(name="Reviewers").exists():
        from django.apps import apps

        for migration, step in [
            ("0002_default_scale_and_groups", "install"),
            ("0005_claimant_and_appearance_permissions", "grant"),
            ("0006_living_articles", "grant_editor_views"),
        ]:
            module = importlib.import_module(f"annotations.migrations.{migration}")
            getattr(module, step)(apps, None)


def make_user(username: str, group: str | None = None, **extra) -> User:
    ensure_default_data()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db) -> User:
    return make_user("reviewer", "Reviewers")


@pytest.fixture
def reviewer2(db) -> User:
    return make_user("reviewer2", "Reviewers")


@pytest.fixture
def editor(db) -> User:
    return make_user("editor", "Editors", is_staff=True)


@pytest.fixture
def editor2(db) -> User:
    return make_user("editor2", "Editors", is_staff=True)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin", "admin@example.org", PASSWORD)


@pytest.fixture
def outsider(db) -> User:
    """Logged in, but in no group: may not use the workspace."""
    return make_user("outsider")


@pytest.fixture
def seed_articles(db):
    summary = import_paths([SEEDS])
    assert summary.failed == 0
    return {r.origin[:3]: r.article for r in summary.results}


@pytest.fixture
def article(seed_articles):
    return seed_articles["000"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The cast's passwords hashed in microseconds, not half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_process_calls(settings):
    """Each WSGI call fires the request signals, which would close the test's database
    connection: Django's test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def pytest_terminal_summary(terminalreporter) -> None:
    """The suite's figures (``tests/figures.py``), each counted by the test behind it."""
    from tests import figures

    if not figures.measured():
        return  # a run of a few files that count nothing (the Celery worker's pass)
    terminalreporter.section("factcheck figures")
    for text in figures.block():
        terminalreporter.write_line(text)
