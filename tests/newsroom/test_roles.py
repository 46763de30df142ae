"""The newsroom's roles: the groups the data migration creates and the demo accounts."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests import people

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _roles():
    # The migration made them; a browser test's flush in an earlier run of a reused test
    # database may have removed them, and this runs the migration's code again.
    people.ensure_roles()


CONTENT = {
    "core": ["source"],
    "zones": ["region", "province", "authority", "focusarea", "program", "batch", "zone"],
    "policies": ["policydocument", "principle", "directive", "documentrelation", "attachment"],
}
PUBLISHABLE = {"zones": ["program", "batch", "zone"], "policies": ["policydocument"]}
# Data releases: everyone in the newsroom may look at them; publishers cut them.
RELEASES_VIEW = {"releases.view_release", "releases.view_releasefile"}
RELEASES_CUT = {"releases.add_release"}


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def expected(actions, models):
    return {f"{app}.{a}_{m}" for app, names in models.items() for m in names for a in actions}


def test_editors_add_change_and_view_the_register_and_nothing_else():
    assert codenames("Editors") == expected(["add", "change", "view"], CONTENT) | RELEASES_VIEW


def test_the_migration_sets_exact_permissions_on_groups_that_drifted():
    Group.objects.get(name="Editors").permissions.clear()
    Group.objects.filter(name="Publishers").delete()

    people.ensure_roles()

    assert codenames("Editors") == expected(["add", "change", "view"], CONTENT) | RELEASES_VIEW
    assert "policies.publish_policydocument" in codenames("Publishers")


def test_publishers_also_delete_and_publish():
    assert codenames("Publishers") == (
        expected(["add", "change", "view", "delete"], CONTENT)
        | expected(["publish"], PUBLISHABLE)
        | RELEASES_VIEW
        | RELEASES_CUT
    )


def run_demo_accounts(*args):
    from io import StringIO

    out = StringIO()
    call_command("demo_accounts", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output):
    return dict(re.findall(r"username: (\w+)\n\s+password: (\S+)", output))


def test_demo_accounts_are_an_editor_and_a_publisher_with_passwords_shown_once():
    first = run_demo_accounts()
    passwords = printed_passwords(first)

    assert set(passwords) == {"editor", "publisher"}
    editor, publisher = User.objects.get(username="editor"), User.objects.get(username="publisher")
    assert editor.check_password(passwords["editor"])
    assert publisher.check_password(passwords["publisher"])
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(publisher.groups.values_list("name", flat=True)) == ["Publishers"]
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.has_perm("policies.change_policydocument")
    assert not editor.has_perm("policies.publish_policydocument")
    assert publisher.has_perm("policies.publish_policydocument")

    again = run_demo_accounts()
    assert printed_passwords(again) == {}
    assert "--reset" in again


def test_reset_gives_both_accounts_new_passwords():
    old = printed_passwords(run_demo_accounts())

    new = printed_passwords(run_demo_accounts("--reset"))

    assert set(new) == {"editor", "publisher"}
    assert new["editor"] != old["editor"]
    assert User.objects.get(username="publisher").check_password(new["publisher"])
    assert not User.objects.get(username="publisher").check_password(old["publisher"])
