"""`make serve`: production settings, and a clear refusal when a production value is missing."""

import dj_database_url
import pytest

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
