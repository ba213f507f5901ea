import pytest
from django.core.management import call_command

from annotations.models import Claim, ClaimEvent

pytestmark = pytest.mark.django_db


def test_the_demo_gets_claims_in_every_state_once(settings, seed_articles, capsys):
    settings.DEBUG = True
    call_command("demo_setup")
    assert "Created 5 demo claims" in capsys.readouterr().out
    states = sorted(Claim.objects.values_list("status", flat=True))
    assert states == ["approved", "approved", "changes_requested", "draft", "submitted"]
    approved = Claim.objects.filter(status="approved")
    assert all(c.approved_by.username == "editor" and c.author.username == "reviewer"
               for c in approved)  # fmt: skip
    assert ClaimEvent.objects.filter(to_status="changes_requested").get().comment
    for claim in Claim.objects.all():
        assert claim.article.body[claim.start : claim.end] == claim.exact
    # Claims as the world has them: a claimant, and one claim made in two articles.
    assert set(
        Claim.objects.filter(status="approved").values_list("claimant__name", flat=True)
    ) == {"Nvidia"}
    repeated = Claim.objects.get(exact__startswith="the company lost")
    assert repeated.appearances.filter(state="confirmed").count() == 2

    call_command("demo_setup")  # a second `make run`
    assert Claim.objects.count() == 5
    assert "demo claims" not in capsys.readouterr().out


def test_the_demo_export_shows_only_the_approved_claims(settings, seed_articles, client):
    settings.DEBUG = True
    call_command("demo_setup")
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="editor"))
    results = client.get("/api/v1/claims/").json()["results"]
    assert sorted(r["verdict"]["slug"] for r in results) == ["false", "misleading"]
    assert client.get("/checks/").status_code == 200
