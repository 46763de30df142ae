"""`make serve`: production settings, and a clear refusal when a production value is missing."""

import socket
import subprocess
import time

import dj_database_url
import pytest
import redis

from config import serve


def test_serve_refuses_to_start_without_a_secret_key(capsys):
    with pytest.raises(SystemExit) as stopped:
        serve.production_environment({"DATABASE_URL": "postgres://u@db.internal/register"})

    assert stopped.value.code == 2
    assert "DJANGO_SECRET_KEY is not set" in capsys.readouterr().err


def test_serve_always_runs_production_settings():
    env = serve.production_environment(
        {
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "s" * 50,
            "DATABASE_URL": "postgres://u@db.internal/register",
        }
    )

    assert env["DJANGO_DEBUG"] == "0"
    assert env["DATABASE_URL"] == "postgres://u@db.internal/register"
    assert "DJANGO_SECURE_SSL_REDIRECT" not in env, "HTTPS redirect stays on in production"


def test_the_derived_url_reaches_the_embedded_clusters_socket():
    socket_dir = "/srv/apz checkout/.pgdata"

    url = serve.database_url({"USER": "postgres", "HOST": socket_dir, "NAME": "aipilotzones"})

    parsed = dj_database_url.parse(url)
    assert (parsed["HOST"], parsed["USER"], parsed["NAME"]) == (
        socket_dir,
        "postgres",
        "aipilotzones",
    )


@pytest.fixture
def own_redis(tmp_path):
    """A throwaway Redis server of this test's own, whose memory settings the test may change."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _attempt in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield client, f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.parametrize(
    ("maxmemory", "policy", "warning"),
    [
        ("0", "allkeys-lru", "Redis has no maxmemory"),
        ("64mb", "noeviction", "maxmemory-policy is noeviction"),
        ("64mb", "allkeys-lru", None),
        ("64mb", "volatile-lru", None),
    ],
)
def test_serve_warns_when_redis_has_no_memory_limit_or_never_evicts(
    own_redis, capsys, maxmemory, policy, warning
):
    client, url = own_redis
    client.config_set("maxmemory", maxmemory)
    client.config_set("maxmemory-policy", policy)

    serve.warn_about_redis({"REDIS_URL": url})

    err = capsys.readouterr().err
    if warning is None:
        assert err == ""
    else:
        assert warning in err
        assert "docs/operations.md" in err


def test_serve_says_so_when_redis_cannot_be_reached(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    serve.warn_about_redis({"REDIS_URL": f"redis://127.0.0.1:{port}/0"})

    assert "Redis cannot be reached" in capsys.readouterr().err
