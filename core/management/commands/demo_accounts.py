import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db.models import Q

CONTENT_APPS = ["core", "zones", "policies"]


def editor_permissions():
    """Add, change and view every record of the register; no delete, no publish."""
    return Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).filter(
        Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename__startswith="view_")
    )


class Command(BaseCommand):
    help = (
        "Create the demo editor account with a random password, printed once. "
        "With --reset, give it a new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Set and print a new password.")

    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username="editor",
            defaults={"is_staff": True, "first_name": "Demo", "last_name": "Editor"},
        )
        user.user_permissions.set(editor_permissions())
        if created or reset:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS("Demo editor account (shown once):"))
            self.stdout.write(f"  username: editor\n  password: {password}")
        else:
            self.stdout.write(
                "Demo editor account: editor (its password was shown when it was created; "
                "`manage.py demo_accounts --reset` sets a new one)."
            )
