"""config/gunicorn.conf.py: per-worker listening sockets only where a restart loses nothing."""

import runpy
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def load(monkeypatch, **environ) -> dict:
    for name in ("GUNICORN_REUSE_PORT", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def kernel_migrates() -> bool:
    try:
        return Path("/proc/sys/net/ipv4/tcp_migrate_req").read_text().strip() == "1"
    except OSError:
        return False


def test_workers_listen_apart_by_default_only_where_the_kernel_moves_waiting_connections(
    monkeypatch,
):
    assert load(monkeypatch)["reuse_port"] is kernel_migrates()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), ("off", False)])
def test_the_environment_decides_when_it_says(monkeypatch, value, expected):
    assert load(monkeypatch, GUNICORN_REUSE_PORT=value)["reuse_port"] is expected


def test_a_unix_socket_is_always_shared(monkeypatch):
    config = load(monkeypatch, GUNICORN_REUSE_PORT="1", HOST="unix:/run/apz/gunicorn.sock")
    assert config["bind"] == "unix:/run/apz/gunicorn.sock"
    assert config["reuse_port"] is False
