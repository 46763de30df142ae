"""Publishers cut releases (the add permission); editors may look at them in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": ["view_release", "view_releasefile"],
    "Publishers": ["add_release", "view_release", "view_releasefile"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="releases", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="releases")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
        ("core", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
