"""The desk's groups get the new models: reviewers name claimants and see appearances;
editors also change claimants (and merge them in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = ["view_claimant", "add_claimant", "view_appearance", "delete_appearance"]
EDITORS = [*REVIEWERS, "change_claimant"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("annotations")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="annotations")
    }
    for name, codenames in [("Reviewers", REVIEWERS), ("Editors", EDITORS)]:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*(perms[c] for c in codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Reviewers", "Editors"]):
        group.permissions.remove(
            *Permission.objects.filter(codename__in=EDITORS, content_type__app_label="annotations")
        )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0004_claim_search")]

    operations = [migrations.RunPython(grant, revoke)]
