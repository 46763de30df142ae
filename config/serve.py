"""``make serve``: production settings under gunicorn, after migrate and collectstatic.

Production needs DJANGO_SECRET_KEY and DATABASE_URL. For a local try-out DATABASE_URL may be left
unset: the embedded PostgreSQL in ``.pgdata/`` is started and its address used, and since no TLS
proxy stands in front, the redirect to HTTPS is switched off unless DJANGO_SECURE_SSL_REDIRECT
says otherwise. See docs/operations.md for deploying behind a reverse proxy.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import redis

BASE_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


def fail(message: str) -> None:
    print(f"make serve: {message}", file=sys.stderr)
    sys.exit(2)


def database_url(database: dict) -> str:
    """A DATABASE_URL for Django settings without a password (the embedded cluster's)."""
    host = quote(database["HOST"], safe="")
    return (
        f"postgres://{quote(database['USER'], safe='')}@{host}/{quote(database['NAME'], safe='')}"
    )


def embedded_database_url() -> str:
    from operations import embedded_db

    return database_url(embedded_db.ensure_running(BASE_DIR))


def production_environment(environ=os.environ) -> dict[str, str]:
    env = dict(environ, DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings")
    if not env.get("DJANGO_SECRET_KEY", "").strip():
        fail(
            "DJANGO_SECRET_KEY is not set. Generate one and keep it secret, e.g.\n"
            "  export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')\""
        )
    if not env.get("DATABASE_URL", "").strip():
        env["DATABASE_URL"] = embedded_database_url()
        print(
            "make serve: DATABASE_URL is not set; for this local try-out using the embedded "
            "PostgreSQL in .pgdata/.",
            file=sys.stderr,
        )
        if "DJANGO_SECURE_SSL_REDIRECT" not in env:
            env["DJANGO_SECURE_SSL_REDIRECT"] = "0"
            print(
                "make serve: no TLS proxy in front, so plain HTTP is served "
                "(DJANGO_SECURE_SSL_REDIRECT=0). Cookies stay Secure: sign in through HTTPS.",
                file=sys.stderr,
            )
    return env


# Eviction policies under which a full Redis keeps accepting writes.
EVICTING = ("allkeys-", "volatile-")


def redis_memory_problem(redis_url: str) -> str | None:
    """What is wrong with how Redis limits its memory, or None.

    The page cache writes an entry per address it serves; without ``maxmemory`` Redis grows until
    the machine runs out of memory, and under ``noeviction`` every write fails once it is full.
    """
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3)
        config = client.config_get("maxmemory*")
    except redis.ResponseError:
        return "Redis does not say how it limits its memory (CONFIG GET is refused)"
    except redis.RedisError as error:
        return f"Redis cannot be reached ({type(error).__name__})"
    if int(config.get("maxmemory", 0)) == 0:
        return "Redis has no maxmemory, so the cache grows until the machine runs out of memory"
    if not config.get("maxmemory-policy", "noeviction").startswith(EVICTING):
        return (
            f"Redis's maxmemory-policy is {config.get('maxmemory-policy')}, so once full it "
            "refuses every write"
        )
    return None


def warn_about_redis(env) -> None:
    redis_url = env.get("REDIS_URL", "").strip()
    if not redis_url:
        return
    problem = redis_memory_problem(redis_url)
    if problem:
        print(
            f"make serve: warning: {problem}. Set maxmemory and an evicting "
            "maxmemory-policy (allkeys-lru); see docs/operations.md.",
            file=sys.stderr,
        )


def main() -> None:
    env = production_environment()
    warn_about_redis(env)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    steps = [["collectstatic", "--noinput", "-v", "0"]]
    # With several app instances, migrate once as a release step and start them with
    # SERVE_MIGRATE=0, rather than letting each race to apply the same migrations.
    if env.get("SERVE_MIGRATE", "1") != "0":
        steps.insert(0, ["migrate", "--noinput"])
    for step in steps:
        result = subprocess.run([*manage, *step], cwd=BASE_DIR, env=env, check=False)
        if result.returncode != 0:
            fail(f"`manage.py {' '.join(step)}` failed; not starting the server.")
    host, port = env.get("HOST", "127.0.0.1"), env.get("PORT", "8000")
    print(f"make serve: serving http://{host}:{port}/ with gunicorn", file=sys.stderr)
    gunicorn = str(BIN_DIR / "gunicorn")
    os.chdir(BASE_DIR)
    os.execve(
        gunicorn,
        [gunicorn, "--config", "config/gunicorn.conf.py", "config.wsgi:application"],
        env,
    )


if __name__ == "__main__":
    main()
