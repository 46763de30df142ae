import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

# username, group, first and last name
DEMO_ACCOUNTS = [
    ("editor", "Editors", "Demo", "Editor"),
    ("publisher", "Publishers", "Demo", "Publisher"),
]


class Command(BaseCommand):
    help = (
        "Create the demo editor and publisher accounts with random passwords, printed once. "
        "With --reset, give both new passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Set and print new passwords.")

    def handle(self, *args, reset=False, **options):
        User = get_user_model()
        for username, group_name, first_name, last_name in DEMO_ACCOUNTS:
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist as missing:
                raise CommandError(
                    f"The group {group_name!r} does not exist; run `manage.py migrate` first."
                ) from missing
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "first_name": first_name, "last_name": last_name},
            )
            # The role comes from the group alone, so changing a group changes the demo account.
            user.groups.set([group])
            user.user_permissions.clear()
            if not user.is_staff or not user.is_active:
                user.is_staff = user.is_active = True
                user.save(update_fields=["is_staff", "is_active"])
            if created or reset:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo {group_name[:-1].lower()} account (password shown once):"
                    )
                )
                self.stdout.write(f"  username: {username}\n  password: {password}")
            else:
                self.stdout.write(
                    f"Demo {group_name[:-1].lower()} account: {username} (its password was shown "
                    "when it was created; `manage.py demo_accounts --reset` sets a new one)."
                )
