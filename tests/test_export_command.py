"""manage.py export_claims: the API's JSON Lines stream, written to a file for offline hand-off."""

from __future__ import annotations

import io
import json
import os
import threading

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


def export(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_claims", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_file_holds_the_same_lines_as_the_api_stream(
    tmp_path, article, reviewer, editor, outsider, settings
):
    settings.FACTCHECK_PUBLIC_BASE_URL = "https://checks.example.org"  # a command has no host
    claims = [factories.approved(article, reviewer, editor) for _ in range(3)]
    factories.draft(article, reviewer, claim="A draft stays in the desk")
    target = tmp_path / "claims.jsonl"
    out, err = export("--output", str(target))
    assert out == ""
    client = APIClient()
    client.force_authenticate(outsider)
    streamed = b"".join(client.get("/api/v1/claims/export.jsonl").streaming_content)
    assert target.read_bytes() == streamed
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["id"] for line in lines] == [claim.pk for claim in claims]
    assert "A draft stays in the desk" not in target.read_text()
    assert "3 line(s) written" in err
    assert err.rstrip().endswith(f"Exported 3 claim(s) to {target}.")
    assert not (tmp_path / "claims.jsonl.part").exists()


def test_without_output_the_lines_go_to_standard_output(article, reviewer, editor):
    claim = factories.approved(article, reviewer, editor)
    out, err = export()
    (line,) = out.splitlines()
    assert json.loads(line)["id"] == claim.pk
    assert "to standard output" in err


def test_updated_since_adds_tombstones_for_withdrawn_claims(tmp_path, article, reviewer, editor):
    kept = factories.approved(article, reviewer, editor)
    withdrawn = factories.in_state("retracted", article, reviewer, editor)
    target = tmp_path / "changes.jsonl"
    _, err = export("--output", str(target), "--updated-since", "2000-01-01T00:00:00Z")
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["id"] for line in lines] == [kept.pk, withdrawn.pk]
    assert set(lines[1]) == {"id", "uri", "status", "updated_at"}
    assert lines[1]["status"] == "retracted"
    assert "Exported 1 claim(s) and 1 tombstone(s)" in err
    _, err = export("--output", str(target))
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == [kept.pk]


def test_an_unreadable_date_is_refused_with_the_option_named(tmp_path):
    target = tmp_path / "never.jsonl"
    with pytest.raises(
        CommandError, match=r"--updated-since: Enter a date or date-time in ISO 8601"
    ):
        export("--output", str(target), "--updated-since", "last tuesday")
    assert not target.exists()


def test_an_empty_export_writes_an_empty_file(tmp_path, db):
    target = tmp_path / "empty.jsonl"
    _, err = export("--output", str(target), "--format", "jsonl")
    assert target.read_bytes() == b""
    assert "Exported 0 claim(s)" in err


def test_only_json_lines_is_offered(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'csv'"):
        export("--output", str(tmp_path / "x"), "--format", "csv")


def test_writing_to_a_device_writes_through_it_and_never_replaces_it(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    call_command("export_claims", output=str(fifo))
    reader.join(timeout=10)
    assert fifo.is_fifo()  # still the pipe, not a regular file renamed over it
    assert received == [b""]  # no approved claims: nothing to send
    assert "Exported 0 claim(s) to" in capsys.readouterr().err


def test_representation_2_writes_the_lines_the_api_gives_for_version_2(
    tmp_path, article, reviewer, editor, settings
):
    settings.FACTCHECK_PUBLIC_BASE_URL = "https://checks.example.org"
    factories.approved(article, reviewer, editor)
    target = tmp_path / "v2.jsonl"
    export("--representation", "2", "-o", str(target))
    (line,) = [json.loads(text) for text in target.read_text().splitlines()]
    assert line["article_id"] == article.pk and "article" not in line
    assert "rationale_text" not in line
    export("--representation", "2", "--include", "article", "-o", str(target))
    assert json.loads(target.read_text())["article"]["id"] == article.pk
    with pytest.raises(CommandError, match="Unknown include 'body'"):
        export("--representation", "2", "--include", "body", "-o", str(target))
