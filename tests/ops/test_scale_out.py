"""Scale-out: two app instances share Redis and PostgreSQL, and a publish through one of them
is seen at once by a reader of the other, whose page cache held the page before.

The instances are real gunicorn servers under production settings (``DJANGO_DEBUG=0``), started
by the test against the test database and the machine's Redis (``REDIS_URL``), with a key
prefix of their own so that nothing else in Redis is read or written.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from core.models import Status
from tests.factories import PolicyDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if not redis_answers():
        if os.environ.get("APZ_REQUIRE_REDIS") == "1":
            pytest.fail("Redis does not answer on 127.0.0.1:6379 (CI starts it: .ci/run)")
        pytest.skip("Redis does not answer on 127.0.0.1:6379; start it to run this test")
    return "redis://{}:{}/0".format(*REDIS)


@pytest.fixture(scope="module")
def production_env(redis_url, tmp_path_factory, django_db_setup):
    """Production settings for the instances, with static files collected as `make serve` does."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "DJANGO_CACHE_KEY_PREFIX": f"apz-scale-out-test-{secrets.token_hex(6)}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_API_THROTTLE_ANON": "",
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database's address, for processes outside this one."""
    settings = connection.settings_dict
    host = quote(settings["HOST"] or "127.0.0.1", safe="")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    user = quote(settings["USER"], safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(settings['NAME'], safe='')}"


class Instance:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        self.name = name
        self.port = free_port()
        self.log = (log_dir / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, *, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            all_headers = {"Host": "127.0.0.1", **(headers or {})}
            if payload is not None:
                all_headers["Content-Type"] = "application/json"
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        log = Path(self.log.name).read_text()[-3000:]
        pytest.fail(f"instance {self.name} did not start:\n{log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture
def two_instances(production_env, transactional_db, tmp_path):
    instances = [Instance(name, production_env, tmp_path) for name in ("first", "second")]
    try:
        for instance in instances:
            instance.wait_until_serving()
        yield instances
    finally:
        for instance in instances:
            instance.stop()


def test_a_publish_through_one_instance_shows_at_once_on_the_other(two_instances):
    first, second = two_instances
    PolicyDocumentFactory(title_en="Notice on compute vouchers", slug="compute-vouchers")
    PolicyDocumentFactory(
        title_en="Notice on data exchanges", slug="data-exchanges", status=Status.REVIEW
    )
    publisher = get_user_model().objects.create_superuser("publisher", password="unused-here")
    token = Token.objects.create(user=publisher)

    for _ in range(2):
        status, headers, page = second.request("GET", "/policies/")
        assert status == 200
        assert "Notice on compute vouchers" in page
        assert "Notice on data exchanges" not in page
    assert headers["X-Page-Cache"] == "hit", "the second instance serves the page from Redis"

    status, _, body = first.request(
        "POST",
        "/api/v1/policies/data-exchanges/publish/",
        body={},
        headers={"Authorization": f"Token {token.key}"},
    )
    assert status == 200, body

    status, headers, page = second.request("GET", "/policies/")
    assert status == 200
    assert "Notice on data exchanges" in page
    assert headers["X-Page-Cache"] == "miss"
    status, _, page = second.request("GET", "/policies/data-exchanges/")
    assert status == 200
