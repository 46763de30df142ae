"""Helpers for the API tests: accounts in each admin role and reading CSV answers."""

import csv
import io

from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from tests.people import ensure_roles


def make_user(username, permissions=(), *, superuser=False, staff=None, groups=()) -> User:
    """An account with ``permissions`` and in ``groups``; staff if it has either, unless
    ``staff`` says otherwise."""
    if staff is None:
        staff = bool(permissions) or bool(groups) or superuser
    user = User.objects.create_user(username=username, is_staff=staff, is_superuser=superuser)
    if permissions:
        user.user_permissions.set(permissions)
    if groups:
        ensure_roles()
        user.groups.set(Group.objects.filter(name__in=groups))
    return User.objects.get(pk=user.pk)


def editor_permissions():
    """The Editors group's permissions, as the roles migration defines them."""
    ensure_roles()
    return list(Group.objects.get(name="Editors").permissions.all())


def publisher_permissions():
    """The Publishers group's permissions: an editor's, plus publish and delete."""
    ensure_roles()
    return list(Group.objects.get(name="Publishers").permissions.all())


def read_csv(response) -> list[dict]:
    """The rows of a streamed CSV answer, read as a spreadsheet program would."""
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {user.auth_token.key}")
    return client
