"""People of the newsroom for tests: each role as the data migration defines it."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

PASSWORD = "a-long-test-password-1"


def ensure_roles():
    """The groups, as the data migration creates them. A transactional test (a browser test)
    empties every table when it ends, groups included; this puts them back."""
    editors = Group.objects.filter(name="Editors").first()
    if (
        editors is None
        or not editors.permissions.exists()
        or not Group.objects.filter(name="Publishers").exists()
    ):
        migration = importlib.import_module("core.migrations.0002_newsroom_groups")
        migration.create_groups(apps, None)
        releases = importlib.import_module("releases.migrations.0002_publishers_cut_releases")
        releases.grant(apps, None)


def make_user(username, *, groups=(), staff=True, superuser=False, codenames=(), password=None):
    # Without a password unless asked: hashing one costs more than the rest of most tests.
    user = User.objects.create_user(
        username=username, password=password, is_staff=staff, is_superuser=superuser
    )
    if groups:
        ensure_roles()
    user.groups.set(Group.objects.filter(name__in=groups))
    if codenames:
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def editor(username="editor", **kwargs):
    return make_user(username, groups=["Editors"], **kwargs)


def publisher(username="publisher", **kwargs):
    return make_user(username, groups=["Publishers"], **kwargs)


def superuser(username="chief", **kwargs):
    return make_user(username, superuser=True, **kwargs)


def staff_without_permissions(username="intern"):
    return make_user(username)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def changeform_data(response) -> dict:
    """What a browser would post back from an admin change form, unchanged."""
    data = {}

    def add(bound):
        value = bound.value()
        if value is None or value is False:
            return
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        elif hasattr(value, "read"):
            return  # a stored file is not posted again
        else:
            data[bound.html_name] = str(value)

    for bound in response.context["adminform"].form:
        add(bound)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            add(bound)
        for form in formset.forms:
            for bound in form:
                add(bound)
    return data


def admin_import(client, changelist_url: str, content: bytes, filename: str, file_format: int):
    """Upload a file to a changelist's import page; confirm it if the dry run allows.

    Returns (dry run response, confirm response or None).
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    dry_run = client.post(
        f"{changelist_url}import/",
        {"import_file": SimpleUploadedFile(filename, content), "format": str(file_format)},
    )
    confirm_form = dry_run.context.get("confirm_form") if dry_run.context else None
    if confirm_form is None:
        return dry_run, None
    confirm_data = {
        name: field.value() for name, field in ((b.name, b) for b in confirm_form) if field.value()
    }
    confirmed = client.post(f"{changelist_url}process_import/", confirm_data)
    return dry_run, confirmed


def admin_export(client, changelist_url: str, file_format: int, query: str = "") -> bytes:
    """Download a changelist's export, every column, as a person picks it on the page."""
    page = client.get(f"{changelist_url}export/{query}")
    form = page.context["form"]
    data = {"format": str(file_format)}
    data |= {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    if "resource" in form.fields:
        data["resource"] = "0"
    response = client.post(f"{changelist_url}export/{query}", data)
    assert response.status_code == 200, response.content[:500]
    return response.content
