import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests import figures

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_a_secret_key_is_a_clear_start_up_error():
    result = run_manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_named():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false, not 'maybe'" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p" + "x9Qv-3kLm_Zt7Rw2Yb8Nc4Hd6Jf1Gs5Ae0Ui" * 2,
    "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
}


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        REDIS_URL="redis://127.0.0.1:6379/5",
        # The proxy check reads what the middleware left in the cache (for days): a
        # prefix of this run's own, so no earlier run's marker can make it warn.
        FACTCHECK_CACHE_KEY_PREFIX=f"deploy-check-{uuid.uuid4().hex}",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    figures.say("deploy check", "clean")


def test_check_deploy_warns_that_a_per_process_cache_needs_redis_url():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "(factcheck.W001) The default cache is per-process (LocMemCache)" in output
    assert "HINT: Set REDIS_URL" in output
    assert "System check identified 1 issue" in output  # that one, and nothing else


def test_the_cache_check_is_quiet_in_development():
    result = run_manage("check", "--deploy", DJANGO_DEBUG="true")
    assert "factcheck.W001" not in result.stdout + result.stderr


def test_demo_setup_refuses_to_run_with_debug_off():
    result = run_manage(
        "demo_setup",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="s" * 60,
        DJANGO_ALLOWED_HOSTS="x",
    )
    assert result.returncode != 0
    assert "only runs with DJANGO_DEBUG=true" in result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only setting; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    options = connection.settings_dict["OPTIONS"]
    assert mode == "wal"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_demo_setup_creates_the_four_accounts_in_their_groups(settings, capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_setup")
    out = capsys.readouterr().out
    for name in ["admin", "editor", "reviewer", "reviewer2"]:
        assert f"  {name} " in out
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="editor").groups.get().name == "Editors"
    assert User.objects.get(username="reviewer2").groups.get().name == "Reviewers"
    call_command("demo_setup")  # a second run works and changes the passwords
    assert User.objects.count() == 4
