from django.contrib.auth.management import create_permissions
from django.db import migrations

DEFAULT_SCALE = [
    # label, slug, rating value, colour, description
    ("True", "true", 5, "#1e7b3c", "The claim is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 4, "#5c9a2f", "Accurate, but needs clarification or context."),
    ("Half true", "half-true", 3, "#b08a00", "Partly accurate; leaves out important details or takes things out of context."),
    ("Mostly false", "mostly-false", 2, "#c8641b", "Contains an element of truth but ignores facts that would give a different impression."),
    ("False", "false", 1, "#b3261e", "The claim is not accurate."),
    ("Misleading", "misleading", None, "#7a3e9d", "Accurate facts presented so as to give a false impression."),
    ("Unproven", "unproven", None, "#5b6570", "There is not enough evidence to rate the claim."),
]

REVIEWER_PERMS = [
    "view_article",
    "view_verdict",
    "view_claim",
    "add_claim",
    "change_claim",
    "delete_claim",
    "view_source",
    "add_source",
    "change_source",
    "delete_source",
    "view_claimevent",
]
EDITOR_EXTRA = [
    "add_article",
    "change_article",
    "add_verdict",
    "change_verdict",
    "review_claim",
    "retract_claim",
    "assign_claim",
]


def install(apps, schema_editor):
    Verdict = apps.get_model("annotations", "Verdict")
    for order, (label, slug, rating, colour, description) in enumerate(DEFAULT_SCALE):
        Verdict.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "rating_value": rating,
                "colour": colour,
                "description": description,
                "order": order,
            },
        )
    # Permissions are normally created after migrate; create them now so the
    # groups can hold them.
    app_config = apps.get_app_config("annotations")
    if getattr(app_config, "models_module", None) is None:  # migration state apps have none
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="annotations")
    }
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.add(*(perms[c] for c in REVIEWER_PERMS))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*(perms[c] for c in REVIEWER_PERMS + EDITOR_EXTRA))


def uninstall(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reviewers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
