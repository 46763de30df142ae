"""``make bench``: the register under real traffic, as ratios to a hello-world floor.

    .venv/bin/python -m bench.run                          # everything, 1,000 and 100,000 documents
    .venv/bin/python -m bench.run --only longtail --sets document,search --duration 5
    .venv/bin/python -m bench.run --only policy-list,policy-list-cached --small-documents 0
    .venv/bin/python -m bench.run --only first-read,admin --rounds 1

It

1. generates each dataset unless it exists with the same parameters (``bench.generate``), and
   draws its address sets (``bench.addresses``) from it with a fixed seed;
2. counts queries per request for each fixed endpoint and for a sample of each set, through
   Django's test client;
3. serves each dataset twice as production does (gunicorn with ``config/gunicorn.conf.py``,
   ``DJANGO_DEBUG=0``, the full middleware stack, compressed static files, behind a simulated
   TLS proxy, on loopback, with the bench settings that add only the floor view): once with
   production's settings (``cache_on``: the page cache in Redis) and once with every cache off
   (``cache_off``: ``DJANGO_PAGE_CACHE_SECONDS=0``);
4. measures with wrk, each measurement followed by one of the floor (``/bench/hello/``), its
   ratio being its requests per second over the mean of the floors just before and after it:
   - ``fixed``: the fixed addresses of ``bench.endpoints``, each requested over and over;
   - ``longtail``: the address sets, each request a different address, on both servers;
5. and measures single requests: ``first-read``, each public page read once right after an edit
   saved through the API; ``editing``, the readers' p95 with and without one save a second;
   ``admin``, the admin's changelists, search, counts and change forms at the large size.

The results go to the console, ``bench/results.json`` (the shape docs/benchmark.md documents)
and ``bench/results-detail.json`` (every measurement, status counts, the SQL of each endpoint).
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import addresses, cluster, tables
from bench.endpoints import (
    ADMIN_PATHS,
    CACHE_OFF,
    CACHE_ON,
    ENDPOINTS,
    FIRST_READ_PATHS,
    FLOOR,
    PROXY_HEADERS,
    Endpoint,
)
from bench.generate import DEFAULT_DOCUMENTS, DEFAULT_SEED, DEFAULT_ZONES

BENCH_DIR = cluster.BENCH_DIR
BASE_DIR = cluster.BASE_DIR
PYTHON = sys.executable
LUA_SCRIPT = BENCH_DIR / "report.lua"
# A request of hello world taking this long means the server as a whole was paused.
PAUSE_MS = 200
DEMO_ZONES = 26
# A server answering hello world this fast has finished what it had begun.
SETTLED_MS = 25
PARTS = ("fixed", "longtail", "first-read", "editing", "admin")
# The readers of the editing load: the long tail without search, whose seconds-long requests
# would make the readers' p95 the search's alone.
EDITING_SETS = ("document", "zone", "list", "api")
MODES = (CACHE_ON, CACHE_OFF)
# Saves of the editing load under way at once, at most: one a second for this many seconds.
MAX_SAVES_IN_FLIGHT = 10


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def redis_url_for(choice: str) -> str | None:
    """The Redis the served app uses as its cache, as production would; None for local memory."""
    if choice == "locmem":
        return None
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception as error:
        if choice == "redis":
            raise SystemExit(f"bench: Redis at {url} is not reachable ({error}).") from error
        log(f"Redis at {url} is not reachable; the app caches in local memory per worker.")
        return None


def clear_cache(redis_url: str | None, prefix: str) -> None:
    """Forget what an earlier run cached under this dataset's prefix, and nothing else."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def server_env(database: str, port: int, redis_url: str | None, mode: str) -> dict[str, str]:
    """The environment of one server: production's settings (``cache_on``), or the same with
    every cache off (``cache_off``: ``DJANGO_PAGE_CACHE_SECONDS=0``)."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_PAGE_CACHE_SECONDS", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_bench",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY")
            or "bench-only-secret-key-never-used-for-anything-else-0123456789",
            "DATABASE_URL": cluster.database_url(database),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_BEHIND_PROXY": "1",
            # 404s of endpoints that do not exist yet would otherwise log thousands of lines.
            "DJANGO_LOG_LEVEL": "ERROR",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "BENCH_CACHE_KEY_PREFIX": f"apz-bench-{database}-{mode}",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if mode == CACHE_OFF:
        env["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


class Server:
    """gunicorn with the project's configuration, as production runs it."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.port = int(env["PORT"])
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self.log_file = open(self.log_path, "w")  # closed in __exit__
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.__exit__()
                raise SystemExit(f"bench: gunicorn exited; see {self.log_path}")
            try:
                if request(self.port, "/healthz", PROXY_HEADERS)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise SystemExit(f"bench: gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def worker_description(self) -> str:
        with open(self.log_path) as handle:
            booted = sum(1 for line in handle if "Booting worker" in line)
        return f"{booted} worker boots (recycling after max_requests included)"


MIGRATE_SETTING = Path("/proc/sys/net/ipv4/tcp_migrate_req")


@contextlib.contextmanager
def workers_listen_apart():
    """Let gunicorn give each worker a listening socket of its own (config/gunicorn.conf.py):
    with one shared socket, wrk's connections often all land on one worker and the floor swings
    by a factor of two between measurements. That needs net.ipv4.tcp_migrate_req = 1, which
    production should set too (docs/operations.md); where it is 0 and this process may change
    it (root), it is set for the run and put back afterwards. Yields whether workers listen
    apart."""
    try:
        before = MIGRATE_SETTING.read_text().strip()
    except OSError:
        log(
            "note: this kernel cannot move queued connections between sockets; gunicorn's "
            "workers share one socket and the floor may swing between measurements."
        )
        yield False
        return
    if before == "1":
        yield True
        return
    try:
        MIGRATE_SETTING.write_text("1\n")
    except OSError:
        log(
            "note: net.ipv4.tcp_migrate_req is 0 and cannot be changed here; gunicorn's workers "
            "share one socket and the floor may swing between measurements."
        )
        yield False
        return
    log(
        "Setting net.ipv4.tcp_migrate_req = 1 for the run (so each gunicorn worker listens on "
        f"its own socket); it goes back to {before} afterwards."
    )
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            MIGRATE_SETTING.write_text(f"{before}\n")


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {key.lower(): value for key, value in response.getheaders()}
    finally:
        connection.close()


def call(port: int, method: str, path: str, headers: dict, body: bytes | None = None) -> tuple:
    """One request: (status, headers, body, milliseconds from sending to the last byte)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        found = {key.lower(): value for key, value in response.getheaders()}
        return response.status, found, content, elapsed
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# The load generator
# ---------------------------------------------------------------------------------------------


def wrk(port: int, target, headers: dict, seconds: int, args, paths_file: Path | None = None):
    """Measure ``target`` (an Endpoint, or a set's name with ``paths_file``) with wrk."""
    connections = args.connections
    # A file of paths is walked with one connection per wrk thread, each from its own offset.
    threads = connections if paths_file else args.wrk_threads
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        f"{args.timeout}s",
        "-s",
        str(LUA_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    path = target.path if isinstance(target, Endpoint) else "/"
    command.append(f"http://127.0.0.1:{port}{path}")
    env = dict(os.environ)
    if paths_file:
        env.update({"BENCH_PATHS": str(paths_file), "BENCH_THREADS": str(threads)})
    output = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw = json.loads(line.removeprefix("BENCH_RESULT "))
            break
    else:
        raise SystemExit(f"bench: wrk gave no result:\n{output.stdout}\n{output.stderr}")
    expected = target.expected_statuses if isinstance(target, Endpoint) else (200,)
    expected = {str(status) for status in expected}
    unexpected = sum(count for status, count in raw["statuses"].items() if status not in expected)
    seconds_measured = raw["duration_us"] / 1e6
    return {
        "name": target.name if isinstance(target, Endpoint) else target,
        "path": path if isinstance(target, Endpoint) else str(paths_file),
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds_measured if seconds_measured else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "statuses": raw["statuses"],
        "socket_errors": raw["socket_errors"],
        "errors": unexpected + sum(raw["socket_errors"].values()),
    }


def settle(port: int, seconds: int) -> float:
    """Wait until the server at ``port`` answers hello world quickly three times in a row: wrk
    stops at the end of its time, but the server goes on with the requests it had begun (a
    search can take seconds), which would otherwise weigh on the next measurement. Returns the
    seconds waited."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < seconds:
        status, _, _, elapsed = call(port, "GET", FLOOR.path, PROXY_HEADERS)
        quick = quick + 1 if status == 200 and elapsed < SETTLED_MS else 0
        if quick < 3:
            time.sleep(0.1)
    return time.monotonic() - started


class Floor:
    """The floor, measured after each measurement; a measurement's ratio is its rps over the
    mean of the floors just before and just after it."""

    def __init__(self, port: int, args):
        self.port = port
        self.args = args
        self.measured: list[dict] = []

    def measure(self) -> dict:
        self.measured.append(
            wrk(self.port, FLOOR, FLOOR.headers(), self.args.floor_duration, self.args)
        )
        return self.measured[-1]

    def around(self, result: dict) -> dict:
        """Measure the floor after ``result`` and give it its ratio."""
        if not self.measured:
            raise RuntimeError("the floor must be measured before the first measurement")
        before = self.measured[-1]
        after = self.measure()
        adjacent = statistics.mean([before["rps"], after["rps"]])
        result["floor_rps"] = adjacent
        result["ratio"] = result["rps"] / adjacent if adjacent else 0.0
        return result

    def notes(self) -> dict:
        rates = [floor["rps"] for floor in self.measured]
        if not rates:
            return {}
        spread = statistics.pstdev(rates) / statistics.mean(rates)
        paused = [floor for floor in self.measured if floor["max_ms"] >= PAUSE_MS]
        if spread > 0.15:
            log(
                f"  note: the floor varied by {spread:.0%} (coefficient of variation); the "
                "machine was busy. Ratios use adjacent floors; more --rounds give steadier figures."
            )
        if paused:
            log(
                f"  note: {len(paused)} of {len(rates)} floor measurements (hello world) had a "
                f"request take {PAUSE_MS} ms or more: the machine paused the server."
            )
        return {
            "floor_rps": statistics.mean(rates),
            "floor_variation": spread,
            "floor_pauses": len(paused),
            "floors": self.measured,
        }


def median_round(results: list[dict]) -> dict:
    """A measurement repeated over rounds: the round of median ratio (its rps and ratio), the
    median p50 and p95 of the rounds, and the errors of all rounds."""
    ordered = sorted(results, key=lambda result: result["ratio"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["p50_ms"] = statistics.median(result["p50_ms"] for result in results)
    chosen["p95_ms"] = statistics.median(result["p95_ms"] for result in results)
    chosen["errors"] = sum(result["errors"] for result in results)
    chosen["rounds"] = ordered
    return chosen


# ---------------------------------------------------------------------------------------------
# The datasets, served
# ---------------------------------------------------------------------------------------------


@dataclass
class Site:
    """One dataset, served twice: production's settings and every cache off."""

    database: str
    size: str  # "large" or "small"
    ports: dict
    envs: dict
    catalogue: addresses.Catalogue
    set_files: dict  # (set name, round) -> path file
    warmup_file: Path


def read_catalogue(database: str) -> addresses.Catalogue:
    import psycopg

    with psycopg.connect(cluster.database_url(database)) as connection:
        return addresses.read_catalogue(connection.cursor())


def write_paths(path: Path, paths: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in paths))
    return path


def prepare_site(database: str, size: str, base_port: int, redis_url, sets, args) -> Site:
    """Draw the dataset's sets: for each round a fresh slice, so that a round never reads what
    an earlier one left in a cache."""
    ports = {CACHE_ON: base_port, CACHE_OFF: base_port + 1}
    envs = {mode: server_env(database, ports[mode], redis_url, mode) for mode in MODES}
    catalogue = read_catalogue(database)
    folder = cluster.DATA_DIR / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    set_files = {}
    names = sorted(set(sets) | set(EDITING_SETS))
    for name in names:
        drawn = addresses.draw_set(name, catalogue, args.paths * args.rounds, args.seed)
        for number in range(args.rounds):
            chunk = drawn[number * args.paths : (number + 1) * args.paths]
            set_files[(name, number)] = write_paths(
                folder / f"{database}-{name}-{number + 1}.txt", chunk
            )
    editing = addresses.draw_mixed(catalogue, args.paths * 2 * args.rounds, args.seed, EDITING_SETS)
    for number in range(2 * args.rounds):
        chunk = editing[number * args.paths : (number + 1) * args.paths]
        set_files[("editing", number)] = write_paths(
            folder / f"{database}-editing-{number + 1}.txt", chunk
        )
    warmup = addresses.draw_mixed(catalogue, args.paths, args.seed + 1)
    warmup_file = write_paths(folder / f"{database}-warmup.txt", warmup)
    log(
        f"  {database}: {len(catalogue.documents):,} public documents, "
        f"{len(catalogue.zones):,} zones; {len(names)} sets of {args.paths} paths a round"
    )
    return Site(database, size, ports, envs, catalogue, set_files, warmup_file)


def count_queries(site: Site, endpoints: list[Endpoint], sets, sample: int) -> dict:
    """Queries per request: the fixed endpoints on the server they are measured on, the sets'
    first reads with every cache off."""
    log(f"\n== {site.database}: counting queries per request")
    counted = {"endpoints": {}, "sets": {}}
    for mode in MODES:
        wanted = {"endpoints": [e.name for e in endpoints if e.server == mode], "sets": {}}
        if mode == CACHE_OFF:
            for name in sets:
                paths = site.set_files[(name, 0)].read_text().split()
                wanted["sets"][name] = paths[:sample]
        if not wanted["endpoints"] and not wanted["sets"]:
            continue
        done = subprocess.run(
            [PYTHON, "-m", "bench.queries"],
            cwd=BASE_DIR,
            env=site.envs[mode],
            input=json.dumps(wanted),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"bench: counting queries failed:\n{done.stderr[-4000:]}")
        found = json.loads(done.stdout)
        counted["endpoints"].update(found["endpoints"])
        counted["sets"].update(found["sets"])
    for endpoint in endpoints:
        found = counted["endpoints"][endpoint.name]
        note = "" if found["status"] in endpoint.expected_statuses else "  (unexpected status)"
        log(f"  {endpoint.name:<22} {found['queries']:>3} queries, {found['status']}{note}")
    for name, found in counted["sets"].items():
        log(
            f"  set {name:<18} {found['queries_mean']} queries a request (max "
            f"{found['queries_max']}), statuses {found['statuses']}"
        )
    return counted


# ---------------------------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------------------------


def measure_fixed(sites: list[Site], endpoints: list[Endpoint], queries, floor: Floor, args):
    """Each fixed endpoint, the large dataset then the small one, each followed by the floor."""
    etags = {}
    for site in sites:
        for endpoint in endpoints:
            if endpoint.conditional:
                plain = endpoint.headers()
                plain.pop("If-None-Match")
                port = site.ports[endpoint.server]
                etags[(site.database, endpoint.name)] = call(port, "GET", endpoint.path, plain)[
                    1
                ].get("etag")
    log(f"== fixed addresses: warming up ({args.warmup} s each)")
    for endpoint in endpoints:
        for site in sites:
            headers = endpoint.headers(etags.get((site.database, endpoint.name)))
            wrk(site.ports[endpoint.server], endpoint, headers, args.warmup, args)
            settle(site.ports[endpoint.server], args.timeout)
    rounds = {(site.size, endpoint.name): [] for site in sites for endpoint in endpoints}
    for number in range(1, args.rounds + 1):
        log(f"== fixed addresses, round {number} of {args.rounds}")
        for endpoint in endpoints:
            for site in sites:
                headers = endpoint.headers(etags.get((site.database, endpoint.name)))
                result = wrk(site.ports[endpoint.server], endpoint, headers, args.duration, args)
                result["settled_s"] = settle(site.ports[endpoint.server], args.timeout)
                floor.around(result)
                result["server"] = endpoint.server
                result["queries"] = queries[site.size]["endpoints"][endpoint.name]["queries"]
                rounds[(site.size, endpoint.name)].append(result)
                log_measurement(endpoint.name, site.size, result)
    return {
        site.size: [median_round(rounds[(site.size, endpoint.name)]) for endpoint in endpoints]
        for site in sites
    }


def log_measurement(name: str, label: str, result: dict) -> None:
    log(
        f"  {name:<22} {label:<15} {result['rps']:8.1f} rps  ratio {result['ratio']:.3f}  "
        f"p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f} ms  errors "
        f"{result['errors']}  (floor {result['floor_rps']:.0f})"
    )


def measure_longtail(sites: list[Site], sets, floor: Floor, args) -> dict:
    """Each set on both servers of both datasets, each measurement a fresh slice of addresses
    and followed by the floor."""
    log(f"== long tail: warming up the servers ({args.warmup} s each, other addresses)")
    for site in sites:
        for mode in MODES:
            wrk(site.ports[mode], "warmup", PROXY_HEADERS, args.warmup, args, site.warmup_file)
            settle(site.ports[mode], args.timeout)
    rounds = {(site.size, mode, name): [] for site in sites for mode in MODES for name in sets}
    for number in range(args.rounds):
        log(f"== long tail, round {number + 1} of {args.rounds}")
        for name in sets:
            for mode in MODES:
                for site in sites:
                    paths = site.set_files[(name, number)]
                    result = wrk(site.ports[mode], name, PROXY_HEADERS, args.duration, args, paths)
                    result["settled_s"] = settle(site.ports[mode], args.timeout)
                    floor.around(result)
                    rounds[(site.size, mode, name)].append(result)
                    log_measurement(name, f"{site.size} {mode}", result)
    return {
        site.size: {
            mode: [median_round(rounds[(site.size, mode, name)]) for name in sets] for mode in MODES
        }
        for site in sites
    }


class Editor:
    """Saves public documents through the API as a superuser with a token: read the record
    (its ETag), then PATCH it with ``If-Match`` and its own summary, which changes nothing a
    reader sees but is a save like any other: it raises the content generation."""

    def __init__(self, port: int, token: str, slugs: list[str], seed: int):
        self.port = port
        self.headers = {**PROXY_HEADERS, "Authorization": f"Token {token}"}
        self.slugs = slugs
        self.rng = random.Random(f"{seed}-editor")
        self.timings: list[float] = []
        self.failures: list[str] = []

    def save(self) -> bool:
        slug = self.rng.choice(self.slugs)
        path = f"/api/v1/policies/{slug}/"
        try:
            return self._save(path)
        except OSError as error:  # a timeout or a refused connection
            self.failures.append(f"{path}: {error}")
            return False

    def _save(self, path: str) -> bool:
        started = time.perf_counter()
        status, headers, body, _ = call(self.port, "GET", path, self.headers)
        if status != 200:
            self.failures.append(f"GET {path}: {status}")
            return False
        summary = json.loads(body).get("summary_en", "")
        status, _, body, _ = call(
            self.port,
            "PATCH",
            path,
            {
                **self.headers,
                "If-Match": headers.get("etag", ""),
                "Content-Type": "application/json",
            },
            json.dumps({"summary_en": summary}).encode(),
        )
        self.timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            self.failures.append(f"PATCH {path}: {status} {body[:200]!r}")
            return False
        return True


def editor_credentials(site: Site) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "bench.accounts"],
        cwd=BASE_DIR,
        env=site.envs[CACHE_ON],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: creating the bench's editor failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def measure_first_read(site: Site, editor: Editor, args) -> tuple[dict, dict]:
    """For each public page, ``--first-read-rounds`` times: one save, then one request of the
    page, nothing else running. Returns the median milliseconds per path and every timing."""
    port = site.ports[CACHE_ON]
    timings = {path: [] for path in FIRST_READ_PATHS}
    statuses = {path: [] for path in FIRST_READ_PATHS}
    for mode in MODES:
        settle(site.ports[mode], args.timeout)
    for path in FIRST_READ_PATHS:  # the first request of a worker pays for its imports
        call(port, "GET", path, PROXY_HEADERS)
    for number in range(args.first_read_rounds):
        log(f"== first read after an edit, round {number + 1} of {args.first_read_rounds}")
        for path in FIRST_READ_PATHS:
            editor.save()
            status, _, _, elapsed = call(port, "GET", path, PROXY_HEADERS)
            statuses[path].append(status)
            if status == 200:
                timings[path].append(elapsed)
            log(f"  {path:<60} {status} {elapsed:9.1f} ms")
    medians = {
        path: (statistics.median(values) if len(values) == len(statuses[path]) else None)
        for path, values in timings.items()
    }
    return medians, {"timings_ms": timings, "statuses": statuses}


def measure_admin(site: Site, credentials: dict, args) -> tuple[dict, dict]:
    """Each admin page once to warm, then ``--first-read-rounds`` timed requests."""
    port = site.ports[CACHE_ON]
    cookie = f"{credentials['session_cookie']}={credentials['session']}"
    headers = {**PROXY_HEADERS, "Cookie": cookie}
    paths = [
        path.format(document=credentials["document_pk"], zone=credentials["zone_pk"])
        for path in ADMIN_PATHS
    ]
    log(f"== the admin at {len(site.catalogue.documents):,} public documents")
    medians, detail = {}, {}
    for path in paths:
        call(port, "GET", path, headers)
        measured = [call(port, "GET", path, headers) for _ in range(args.first_read_rounds)]
        codes = [status for status, *_ in measured]
        times = [elapsed for *_, elapsed in measured]
        medians[path] = statistics.median(times) if set(codes) == {200} else None
        detail[path] = {"timings_ms": times, "statuses": codes}
        log(f"  {path:<60} {codes} median {statistics.median(times):9.1f} ms")
    return medians, detail


def save_every_second(editor: Editor, stop: threading.Event, outcomes: list) -> None:
    """Start a save every second, whether or not the one before has finished (editors do not
    wait for each other), with at most ``MAX_SAVES_IN_FLIGHT`` under way."""
    savers: list[threading.Thread] = []
    while not stop.is_set():
        savers = [saver for saver in savers if saver.is_alive()]
        if len(savers) < MAX_SAVES_IN_FLIGHT:
            saver = threading.Thread(target=lambda: outcomes.append(editor.save()))
            saver.start()
            savers.append(saver)
        stop.wait(1.0)
    for saver in savers:
        saver.join()


def measure_editing(site: Site, editor: Editor, args) -> dict:
    """Readers walk the long tail (without search) on production's settings for
    ``--editing-duration`` seconds, without edits and then with one save a second, a fresh
    slice of addresses each time; ``--rounds`` pairs. The ratio is the median p95 with edits
    over the median p95 without."""
    port = site.ports[CACHE_ON]
    without, with_edits, edits = [], [], []
    for number in range(args.rounds):
        log(f"== editing load, round {number + 1} of {args.rounds}")
        paths = site.set_files[("editing", 2 * number)]
        result = wrk(port, "readers", PROXY_HEADERS, args.editing_duration, args, paths)
        settle(port, args.timeout)
        without.append(result)
        log(f"  readers without edits: p95 {result['p95_ms']:.1f} ms, {result['rps']:.1f} rps")
        stop = threading.Event()

        saver = threading.Thread(target=save_every_second, args=(editor, stop, edits))
        saver.start()
        try:
            paths = site.set_files[("editing", 2 * number + 1)]
            result = wrk(port, "readers", PROXY_HEADERS, args.editing_duration, args, paths)
        finally:
            stop.set()
            saver.join()
        settle(port, args.timeout)
        with_edits.append(result)
        log(f"  readers with edits:    p95 {result['p95_ms']:.1f} ms, {result['rps']:.1f} rps")
    p95_without = statistics.median(result["p95_ms"] for result in without)
    p95_with = statistics.median(result["p95_ms"] for result in with_edits)
    return {
        "p95_ratio": round(p95_with / p95_without, 2) if p95_without else None,
        "p95_ms_without": round(p95_without, 1),
        "p95_ms_with": round(p95_with, 1),
        "rps_without": round(statistics.median(result["rps"] for result in without), 1),
        "rps_with": round(statistics.median(result["rps"] for result in with_edits), 1),
        "edits": len(edits),
        "edit_errors": edits.count(False),
        "edit_median_ms": round(statistics.median(editor.timings), 1) if editor.timings else None,
        "reader_errors": sum(result["errors"] for result in without + with_edits),
        "readers": ", ".join(EDITING_SETS),
    }


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def generate(sizes, seed: int) -> dict:
    generation = {}
    for documents, zones in sizes:
        log(f"\n== dataset: {documents:,} documents, {zones:,} zones")
        output = subprocess.run(
            [
                PYTHON,
                "-m",
                "bench.generate",
                f"--documents={documents}",
                f"--zones={zones}",
                f"--seed={seed}",
            ],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        generation[(documents, zones)] = json.loads(output.stdout.strip().splitlines()[-1])
    return generation


def selection(args) -> tuple[list[str], list[Endpoint], list[str]]:
    """The parts, fixed endpoints and sets the options ask for. ``--only`` takes part names
    and fixed endpoint names: an endpoint name runs the fixed part with the endpoints named."""
    by_name = {endpoint.name: endpoint for endpoint in ENDPOINTS}
    wanted = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else []
    unknown = [name for name in wanted if name not in PARTS and name not in by_name]
    if unknown:
        raise SystemExit(
            f"bench: unknown part or endpoint: {', '.join(unknown)} (parts: {', '.join(PARTS)})"
        )
    named = [by_name[name] for name in wanted if name in by_name]
    parts = [part for part in PARTS if not wanted or part in wanted or (part == "fixed" and named)]
    endpoints = named or ENDPOINTS
    sets = [name.strip() for name in args.sets.split(",") if name.strip()] or list(addresses.SETS)
    if set(sets) - set(addresses.SETS):
        raise SystemExit(f"bench: unknown set(s); the sets are {', '.join(addresses.SETS)}")
    return parts, endpoints, sets


def run_parts(sites: list[Site], parts, endpoints, sets, args) -> tuple[dict, dict]:
    large = sites[0]
    measured: dict = {"measured_at": {}}
    detail: dict = {}
    queries = {
        site.size: count_queries(
            site,
            endpoints if "fixed" in parts else [],
            sets if "longtail" in parts else [],
            args.query_sample,
        )
        for site in sites
    }
    detail["queries"] = queries
    with contextlib.ExitStack() as stack:
        for site in sites:
            for mode in MODES:
                log_path = cluster.DATA_DIR / f"gunicorn-{site.database}-{mode}.log"
                stack.enter_context(Server(site.envs[mode], log_path))
        floor = Floor(large.ports[CACHE_ON], args)
        if "fixed" in parts or "longtail" in parts:
            wrk(floor.port, FLOOR, FLOOR.headers(), args.warmup, args)
            floor.measure()
        if "fixed" in parts:
            measured["fixed"] = measure_fixed(sites, endpoints, queries, floor, args)
            measured["measured_at"]["fixed"] = utc_now()
        if "longtail" in parts:
            measured["longtail"] = measure_longtail(sites, sets, floor, args)
            measured["longtail"]["queries"] = {
                size: found["sets"] for size, found in queries.items()
            }
            measured["measured_at"]["longtail"] = utc_now()
        measured.update(floor.notes())
        if {"first-read", "editing", "admin"} & set(parts):
            credentials = editor_credentials(large)
            editor = Editor(
                large.ports[CACHE_ON], credentials["token"], large.catalogue.documents, args.seed
            )
            if "first-read" in parts:
                measured["first_read"], detail["first_read"] = measure_first_read(
                    large, editor, args
                )
                measured["measured_at"]["first_read_ms"] = utc_now()
            if "admin" in parts:
                measured["admin"], detail["admin"] = measure_admin(large, credentials, args)
                measured["measured_at"]["admin_ms"] = utc_now()
            if "editing" in parts:
                editor.timings.clear()
                measured["editing"] = measure_editing(large, editor, args)
                measured["measured_at"]["editing"] = utc_now()
            detail["edit_failures"] = editor.failures
    detail["floors"] = floor.measured
    return measured, detail


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install wrk).")
    parts, endpoints, sets = selection(args)
    started = datetime.datetime.now(datetime.UTC)
    load_at_start = os.getloadavg()
    if load_at_start[0] > (os.cpu_count() or 1) * 0.5:
        log(
            f"note: the machine is busy (load average {load_at_start[0]:.1f} on "
            f"{os.cpu_count()} cores); figures will be noisy and pessimistic."
        )
    sizes = [(args.documents, args.zones)]
    if args.small_documents and {"fixed", "longtail"} & set(parts):
        sizes.append((args.small_documents, args.small_zones))
    generation = generate(sizes, args.seed)

    redis_url = redis_url_for(args.cache)
    log("\n== collectstatic (compressed, hashed names, as production serves them)")
    large_database = cluster.database_name(args.documents, args.zones)
    collectstatic(server_env(large_database, args.port, redis_url, CACHE_ON))
    log("\n== drawing the address sets")
    sites = [
        prepare_site(
            cluster.database_name(*size),
            "large" if index == 0 else "small",
            args.port + 2 * index,
            redis_url,
            sets,
            args,
        )
        for index, size in enumerate(sizes)
    ]
    for site in sites:
        for mode in MODES:
            clear_cache(redis_url, site.envs[mode]["BENCH_CACHE_KEY_PREFIX"])

    with workers_listen_apart() as listening_apart:
        measured, detail = run_parts(sites, parts, endpoints, sets, args)
    measured["dataset"] = {"documents": args.documents, "zones": args.zones}
    previous = None
    if args.output.exists():
        with contextlib.suppress(ValueError):
            previous = json.loads(args.output.read_text())
    if previous and previous.get("dataset") != measured["dataset"]:
        previous = None
    results = tables.build_results(measured, previous)
    print()
    print(tables.tables(results))
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    detail.update(
        {
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "parts": parts,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_at_start": load_at_start,
                "load_average_at_end": os.getloadavg(),
            },
            "settings": {
                key: str(value) if isinstance(value, Path) else value
                for key, value in vars(args).items()
            },
            "cache": "redis" if redis_url else "locmem",
            "workers_listen_apart": listening_apart,
            "generation": {f"{d}d_{z}z": found for (d, z), found in generation.items()},
            "measured": measured,
        }
    )
    detail_path = args.output.with_name(args.output.stem + "-detail.json")
    detail_path.write_text(json.dumps(detail, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"\nWrote {args.output} and {detail_path}.")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--documents", type=int, default=env_int("BENCH_DOCUMENTS", DEFAULT_DOCUMENTS))
    option("--zones", type=int, default=env_int("BENCH_ZONES", DEFAULT_ZONES))
    option(
        "--small-documents",
        type=int,
        default=env_int("BENCH_SMALL_DOCUMENTS", 1000),
        help="the dataset the large one is compared with; 0 skips it (no scaling figures)",
    )
    option(
        "--small-zones",
        type=int,
        default=env_int("BENCH_SMALL_ZONES", 0),
        help="default: the large dataset's zones scaled like its documents, at least the demo's",
    )
    option("--seed", type=int, default=env_int("BENCH_SEED", DEFAULT_SEED))
    option("--duration", type=int, default=env_int("BENCH_DURATION", 10), help="seconds")
    option(
        "--floor-duration",
        type=int,
        default=env_int("BENCH_FLOOR_DURATION", 5),
        help="seconds of each floor measurement",
    )
    option("--warmup", type=int, default=env_int("BENCH_WARMUP", 3), help="seconds")
    option(
        "--rounds",
        type=int,
        default=env_int("BENCH_ROUNDS", 2),
        help="repeat each wrk measurement (fixed, long tail, editing); each reports its round of "
        "median ratio, and its median p50 and p95 over the rounds",
    )
    option(
        "--first-read-rounds",
        type=int,
        default=env_int("BENCH_FIRST_READ_ROUNDS", 5),
        help="edits and single requests per page (first read), timed requests per admin page",
    )
    option(
        "--editing-duration",
        type=int,
        default=env_int("BENCH_EDITING_DURATION", 20),
        help="seconds the readers read, without and then with edits",
    )
    option("--paths", type=int, default=env_int("BENCH_PATHS_PER_ROUND", 3000))
    option(
        "--query-sample",
        type=int,
        default=env_int("BENCH_QUERY_SAMPLE", 10),
        help="paths of each set whose queries are counted",
    )
    option("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 8))
    option("--wrk-threads", type=int, default=env_int("BENCH_WRK_THREADS", 1))
    option("--timeout", type=int, default=env_int("BENCH_TIMEOUT", 30), help="wrk's, seconds")
    option("--port", type=int, default=env_int("BENCH_PORT", 8310))
    option(
        "--cache",
        choices=["auto", "redis", "locmem"],
        default=os.environ.get("BENCH_CACHE", "auto"),
        help="the app's cache: Redis as in production (auto: if reachable) or local memory",
    )
    option(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help=f"comma-separated parts ({', '.join(PARTS)}) and fixed endpoint names",
    )
    option(
        "--sets",
        default=os.environ.get("BENCH_SETS", ""),
        help=f"comma-separated address sets ({', '.join(addresses.SETS)}); default all",
    )
    option("--output", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args(argv)
    if not args.small_zones:
        args.small_zones = max(
            DEMO_ZONES, round(args.zones * args.small_documents / max(args.documents, 1))
        )
    return args


if __name__ == "__main__":
    main()
