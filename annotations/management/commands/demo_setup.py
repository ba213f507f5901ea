import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from annotations.demo import create_demo_claims

DEMO_USERS = [
    # username, group, is_staff, is_superuser
    ("admin", None, True, True),
    ("editor", "Editors", True, False),
    ("reviewer", "Reviewers", False, False),
    ("reviewer2", "Reviewers", False, False),
]


class Command(BaseCommand):
    help = "Create the demo accounts (development only) and print their passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Use this password for every demo account instead of random ones."
        )

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_setup creates accounts with known passwords: it only runs with "
                "DJANGO_DEBUG=true."
            )
        User = get_user_model()
        self.stdout.write("Demo accounts (passwords are new on every run):")
        for username, group_name, is_staff, is_superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = is_staff
            user.is_superuser = is_superuser
            user.email = f"{username}@example.org"
            new_password = password or secrets.token_urlsafe(9)
            user.set_password(new_password)
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            role = "superuser" if is_superuser else group_name
            self.stdout.write(f"  {username:<10} {new_password:<14} ({role})")
        made = create_demo_claims(
            reviewer=User.objects.get(username="reviewer"),
            editor=User.objects.get(username="editor"),
            confirmer=User.objects.get(username="admin"),
        )
        if made:
            self.stdout.write(
                f"Created {made} demo claims on the seed articles (approved, submitted, "
                "changes requested, draft)."
            )
