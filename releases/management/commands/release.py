"""``manage.py release``: cut a data release of everything public now."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from releases.services import release_cut


class Command(BaseCommand):
    help = "Cut a data release: a Frictionless data package of the public register."

    def add_arguments(self, parser):
        parser.add_argument("--note", default="", help="What readers of the release should know.")
        parser.add_argument(
            "--user", help="The user name of the publisher the release is recorded as cut by."
        )

    def handle(self, *args, note, user, **options):
        publisher = None
        if user:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"No user is named {user!r}.")
        release = release_cut(user=publisher, note=note)
        changes = release.changes
        self.stdout.write(
            f"Release {release.version}: {len(changes['added'])} added, "
            f"{len(changes['changed'])} changed, {len(changes['withdrawn'])} withdrawn."
        )
        for file in release.files.order_by("position"):
            self.stdout.write(f"  {file.sha256}  {file.name} ({file.size} bytes)")
