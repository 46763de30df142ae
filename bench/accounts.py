"""The benchmark's editor: a superuser with an API token and a signed-in admin session.

Run by ``bench.run`` with the environment of one served dataset (its ``DATABASE_URL``, the bench
settings, the served cache), so the session is stored where the served app reads it. Prints a
JSON object: the token, the session cookie's name and value, and the primary keys of a
published document and zone for the admin's change forms.
"""

import json
import sys

USERNAME = "bench-editor"


def editor_credentials() -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from rest_framework.authtoken.models import Token

    from policies.models import PolicyDocument
    from zones.models import Zone

    user, created = get_user_model().objects.get_or_create(
        username=USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.invalid"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    token, _ = Token.objects.get_or_create(user=user)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {
        "token": token.key,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": session.session_key,
        # A generated record (the newest), not one of the demo's, which are linked the most.
        "document_pk": PolicyDocument.objects.published().order_by("-pk").values("pk")[0]["pk"],
        "zone_pk": Zone.objects.published().order_by("-pk").values("pk")[0]["pk"],
    }


def main() -> None:
    import django

    django.setup()
    json.dump(editor_credentials(), sys.stdout)


if __name__ == "__main__":
    main()
