"""The newsroom's two roles, as groups with exact permissions.

Editors write: they add, change and view every record of the register and submit drafts for
review (submitting needs the change permission). Publishers also publish, schedule, withdraw and
delete. Superusers need no group.

Permissions are created here rather than left to ``post_migrate``: on a fresh database that
signal has not run yet when this migration does.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = {
    "core": ["source"],
    "zones": ["region", "province", "authority", "focusarea", "program", "batch", "zone"],
    "policies": ["policydocument", "principle", "directive", "documentrelation", "attachment"],
}
PUBLISHABLE_MODELS = {"zones": ["program", "batch", "zone"], "policies": ["policydocument"]}


def codenames(actions, models_by_app):
    return [
        (app_label, f"{action}_{model}")
        for app_label, models in models_by_app.items()
        for model in models
        for action in actions
    ]


EDITOR_PERMISSIONS = codenames(["add", "change", "view"], CONTENT_MODELS)
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    *codenames(["delete"], CONTENT_MODELS),
    *codenames(["publish"], PUBLISHABLE_MODELS),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    for name, pairs in (("Editors", EDITOR_PERMISSIONS), ("Publishers", PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(pairs))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("zones", "0001_initial"),
        ("policies", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
