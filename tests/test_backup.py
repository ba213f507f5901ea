"""Nothing lost: a backup restores every row, and user links, identically."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from annotations.models import Verdict
from tests import factories

MODELS = ["annotations.Article", "annotations.Verdict", "annotations.Claim",
          "annotations.Source", "annotations.ClaimEvent", "annotations.TransitionTally",
          "authtoken.Token"]  # fmt: skip


def snapshot() -> dict:
    """Every row of the domain, plus who is in which group, comparable across databases."""
    data = {
        label: [
            {k: v for k, v in row.items()}
            for row in apps.get_model(label).objects.order_by("pk").values()
        ]
        for label in MODELS
    }
    data["users"] = [
        (u.pk, u.username, u.password, u.is_staff, u.is_superuser,
         sorted(u.groups.values_list("name", flat=True)))
        for u in User.objects.order_by("pk")
    ]  # fmt: skip
    data["groups"] = [
        (g.name, sorted(g.permissions.values_list("codename", flat=True)))
        for g in Group.objects.order_by("name")
    ]
    return data


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path, seed_articles, reviewer, reviewer2, editor,
                                       editor2, capsys):  # fmt: skip
    article = seed_articles["003"]
    for i, state in enumerate(["draft", "submitted", "approved", "rejected", "retracted"]):
        text = article.paragraphs()[i + 1][1][:50].strip()
        factories.in_state(state, article, reviewer if i % 2 else reviewer2, editor, text)
    approved = factories.approved(seed_articles["000"], reviewer, editor, "Chinese enterprises")
    # A retraction, an edit event with changes, a second approval.
    factories.corrected(approved, editor2, editor, verdict=Verdict.objects.get(slug="misleading"))
    Token.objects.create(user=editor)
    before = snapshot()
    assert len(before["annotations.ClaimEvent"]) >= 8
    assert before["annotations.TransitionTally"]  # the desk's charts come back as they were

    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    call_command("flush", interactive=False, verbosity=0)
    assert snapshot()["annotations.Claim"] == []
    call_command("restore", str(path))

    after = snapshot()
    for key in before:
        for old, new in zip(before[key], after[key], strict=True):
            assert old == new, key
    assert after == before
    out = capsys.readouterr().out
    assert f"Restored 5 articles and 6 claims from {path}" in out


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data(tmp_path, seed_articles):
    path = tmp_path / "b.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="already holds articles or claims"):
        call_command("restore", str(path))


@pytest.mark.django_db
def test_a_broken_backup_restores_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        '[{"model": "annotations.verdict", "pk": 99, "fields": {"label": "X", '
        '"slug": "x", "order": 1, "colour": "#000000"}}, {"model": "nope.nope"}]'
    )
    with pytest.raises(Exception, match="nope"):
        call_command("restore", str(path))
    assert not Verdict.objects.filter(pk=99).exists()
