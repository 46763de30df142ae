"""``make bench``: every endpoint as a ratio to the hello-world floor, measured in one run.

    .venv/bin/python -m bench.run                     # the default: 1,000 and 100,000 documents
    .venv/bin/python -m bench.run --duration 5 --only policy-list,policy-search
    .venv/bin/python -m bench.run --small-documents 0 # the large dataset only, no scaling

It

1. generates each dataset unless it exists with the same parameters (``bench.generate``);
2. counts queries per request for each endpoint and dataset through Django's test client;
3. serves the app as production does, one server per dataset: gunicorn with
   ``config/gunicorn.conf.py``, ``DJANGO_DEBUG=0``, the full middleware stack, collected and
   compressed static files, behind a (simulated) TLS proxy, on loopback, with the bench
   settings that add only the floor view;
4. warms up every endpoint, then measures with wrk at a fixed concurrency, interleaving the
   datasets and the floor: floor, endpoint 1 (large), floor, endpoint 1 (small), floor,
   endpoint 2 (large), … Each ``ratio`` is the endpoint's requests per second over the mean of
   the two floor measurements either side of it, and an endpoint's small and large p95 are
   taken seconds apart, so slow drift in the machine's speed (other processes, thermal limits)
   cancels in both. ``floor.rps`` is the mean of all floor measurements.

The results go to the console, ``bench/results.json`` (the shape the README documents) and
``bench/results-detail.json`` (every measurement, status counts, the SQL of each endpoint).
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import cluster
from bench.endpoints import ENDPOINTS, FLOOR, PROXY_HEADERS, Endpoint
from bench.generate import DEFAULT_DOCUMENTS, DEFAULT_SEED, DEFAULT_ZONES

BENCH_DIR = cluster.BENCH_DIR
BASE_DIR = cluster.BASE_DIR
PYTHON = sys.executable
LUA_SCRIPT = BENCH_DIR / "report.lua"
# A request of hello world taking this long means the server as a whole was paused.
PAUSE_MS = 200
DEMO_ZONES = 26

# The acceptance targets of the issue: ratio to the floor at the large size.
TARGETS = {
    "zone-list": 0.30,
    "api-zone-list": 0.30,
    "api-policy-list": 0.30,
    "policy-list": 0.25,
    "policy-list-filtered": 0.25,
    "zone-detail": 0.50,
    "policy-detail": 0.50,
    "policy-search": 0.20,
    "api-policy-search": 0.20,
    "policy-list-cached": 0.85,
    "policy-list-304": 0.70,
}


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


def server_env(database: str, port: int, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
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
            "BENCH_CACHE_KEY_PREFIX": f"apz-bench-{database}",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
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


# ---------------------------------------------------------------------------------------------
# The load generator
# ---------------------------------------------------------------------------------------------


def wrk(port: int, endpoint: Endpoint, headers: dict, seconds: int, args) -> dict:
    command = [
        "wrk",
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{endpoint.path}")
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            raw = json.loads(line.removeprefix("BENCH_RESULT "))
            break
    else:
        raise SystemExit(f"bench: wrk gave no result:\n{output.stdout}\n{output.stderr}")
    expected = {str(status) for status in endpoint.expected_statuses}
    unexpected = sum(count for status, count in raw["statuses"].items() if status not in expected)
    seconds_measured = raw["duration_us"] / 1e6
    return {
        "name": endpoint.name,
        "path": endpoint.path,
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


def count_queries(database: str, endpoints: list[Endpoint], env: dict[str, str]) -> dict:
    log(f"\n== {database}: counting queries per request")
    counted = subprocess.run(
        [PYTHON, "-m", "bench.queries"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if counted.returncode != 0:
        raise SystemExit(f"bench: counting queries failed:\n{counted.stderr[-4000:]}")
    queries = json.loads(counted.stdout)
    for endpoint in endpoints:
        found = queries[endpoint.name]
        note = "" if found["status"] in endpoint.expected_statuses else "  (unexpected status)"
        log(f"  {endpoint.name:<22} {found['queries']:>3} queries, {found['status']}{note}")
    return queries


def measure_datasets(databases: list[str], endpoints: list[Endpoint], args, redis_url) -> dict:
    """Serve every dataset at once (one gunicorn each, the large one last and on ``--port``),
    and measure them interleaved: for each endpoint the large dataset, the floor, the small
    dataset, the floor. Ratios use the floors either side of a measurement, and the small and
    the large p95 of an endpoint are taken seconds apart, so drift in the machine's speed
    cancels in both."""
    large_database = databases[-1]
    ports = {
        database: args.port + len(databases) - 1 - index for index, database in enumerate(databases)
    }
    envs = {database: server_env(database, ports[database], redis_url) for database in databases}
    queries = {
        database: count_queries(database, endpoints, envs[database]) for database in databases
    }
    for database in databases:
        clear_cache(redis_url, envs[database]["BENCH_CACHE_KEY_PREFIX"])

    with contextlib.ExitStack() as stack:
        servers = {
            database: stack.enter_context(
                Server(envs[database], cluster.DATA_DIR / f"gunicorn-{database}.log")
            )
            for database in databases
        }
        etags = {database: {} for database in databases}
        for database in databases:
            for endpoint in endpoints:
                if endpoint.conditional:
                    plain = endpoint.headers()
                    plain.pop("If-None-Match")
                    found = request(ports[database], endpoint.path, plain)[1].get("etag")
                    etags[database][endpoint.name] = found
        log(f"== warming up ({args.warmup} s each endpoint and dataset)")
        floor_port = ports[large_database]
        wrk(floor_port, FLOOR, FLOOR.headers(), args.warmup, args)
        for endpoint in endpoints:
            for database in databases:
                headers = endpoint.headers(etags[database].get(endpoint.name))
                wrk(ports[database], endpoint, headers, args.warmup, args)
        log(
            f"== measuring, {args.duration} s each, {args.connections} connections, the floor "
            f"after each measurement, {args.rounds} round(s); datasets: {', '.join(databases)}"
        )
        floors = []
        rounds = {database: {endpoint.name: [] for endpoint in endpoints} for database in databases}
        for round_number in range(1, args.rounds + 1):
            floors.append(wrk(floor_port, FLOOR, FLOOR.headers(), args.duration, args))
            log(f"  {'floor':<22} {floors[-1]['rps']:8.1f} rps")
            for endpoint in endpoints:
                for database in reversed(databases):  # the large dataset first
                    headers = endpoint.headers(etags[database].get(endpoint.name))
                    result = wrk(ports[database], endpoint, headers, args.duration, args)
                    floors.append(wrk(floor_port, FLOOR, FLOOR.headers(), args.duration, args))
                    adjacent = statistics.mean([floors[-2]["rps"], floors[-1]["rps"]])
                    result["round"] = round_number
                    result["floor_rps"] = adjacent
                    result["ratio"] = result["rps"] / adjacent if adjacent else 0.0
                    result["queries"] = queries[database][endpoint.name]["queries"]
                    rounds[database][endpoint.name].append(result)
                    size = "large" if database == large_database else "small"
                    log(
                        f"  {endpoint.name:<22} {size:<5} {result['rps']:8.1f} rps  "
                        f"ratio {result['ratio']:.3f}  p95 {result['p95_ms']:7.1f} ms  "
                        f"errors {result['errors']}  (floor {floors[-1]['rps']:.1f})"
                    )
        workers = {database: server.worker_description() for database, server in servers.items()}
    floor_rps = [floor["rps"] for floor in floors]
    spread = statistics.pstdev(floor_rps) / statistics.mean(floor_rps)
    if spread > 0.15:
        log(
            f"  note: the floor varied by {spread:.0%} (coefficient of variation) during the run; "
            "the machine was busy. Ratios use adjacent floors; more --rounds give steadier figures."
        )
    # wrk corrects latencies for coordinated omission, so one pause of the whole server (the
    # machine's, not the app's: hello world has them too) moves a measurement's p95 by hundreds
    # of milliseconds. Count how often the floor saw one.
    paused = [floor for floor in floors if floor["max_ms"] >= PAUSE_MS]
    if paused:
        log(
            f"  note: {len(paused)} of {len(floors)} floor measurements (hello world) had a "
            f"request take {PAUSE_MS} ms or more (longest {max(f['max_ms'] for f in paused):.0f} "
            "ms): the machine paused the server. Each p50 and p95 is the median of the rounds."
        )
    measured = {}
    for database in databases:
        # With several rounds, each endpoint reports its round of median ratio (and that
        # round's rps), its median p50 and p95 over the rounds, and the errors of all rounds.
        chosen_results = []
        for endpoint in endpoints:
            results = sorted(rounds[database][endpoint.name], key=lambda result: result["ratio"])
            chosen = dict(results[(len(results) - 1) // 2])
            chosen["p50_ms"] = statistics.median(result["p50_ms"] for result in results)
            chosen["p95_ms"] = statistics.median(result["p95_ms"] for result in results)
            chosen["errors"] = sum(result["errors"] for result in results)
            chosen["rounds"] = results
            chosen_results.append(chosen)
        measured[database] = {
            "database": database,
            "floors": floors,
            "floor_rps": statistics.mean(floor_rps),
            "floor_variation": spread,
            "floor_pauses": len(paused),
            "endpoints": chosen_results,
            "queries": queries[database],
            "etags": etags[database],
            "gunicorn": workers[database],
        }
    return measured


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def build_results(large: dict, small: dict | None, documents: int, zones: int) -> dict:
    small_by_name = {item["name"]: item for item in small["endpoints"]} if small else {}
    endpoints = []
    scaling = {}
    for item in large["endpoints"]:
        endpoints.append(
            {
                "name": item["name"],
                "path": item["path"],
                "rps": round(item["rps"], 1),
                "ratio": round(item["ratio"], 3),
                "p50_ms": round(item["p50_ms"], 2),
                "p95_ms": round(item["p95_ms"], 2),
                "queries": item["queries"],
                "errors": item["errors"],
            }
        )
        if item["name"] in small_by_name:
            before = small_by_name[item["name"]]
            scaling[item["name"]] = {
                "queries_small": before["queries"],
                "queries_large": item["queries"],
                "p95_ratio": round(item["p95_ms"] / before["p95_ms"], 2)
                if before["p95_ms"]
                else None,
            }
    return {
        "dataset": {"documents": documents, "zones": zones},
        "floor": {"rps": round(large["floor_rps"], 1)},
        "endpoints": endpoints,
        "scaling": scaling,
    }


def verdict(item: dict) -> str:
    if item["errors"]:
        return "ERRORS"
    target = TARGETS.get(item["name"])
    if target is None:
        return ""
    return "ok" if item["ratio"] >= target else "low"


def table(results: dict, small_size: tuple[int, int] | None) -> str:
    dataset = results["dataset"]
    lines = [
        f"Floor (hello world, same server and middleware): {results['floor']['rps']:.1f} rps; "
        f"{dataset['documents']:,} documents, {dataset['zones']:,} zones.",
        "",
    ]
    small = f"vs {small_size[0]:,} docs" if small_size else "vs small"
    header = (
        f"{'endpoint':<21} {'rps':>8} {'ratio':>6} {'target':>6} {'':<6} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'queries':>7} {'errors':>7} | {small}: {'queries':>7} {'p95 ×':>6}"
    )
    lines += [header, "-" * len(header)]
    for item in results["endpoints"]:
        target = TARGETS.get(item["name"])
        scale = results["scaling"].get(item["name"], {})
        p95_ratio = scale.get("p95_ratio")
        lines.append(
            f"{item['name']:<21} {item['rps']:8.1f} {item['ratio']:6.3f} "
            f"{(f'{target:.2f}' if target is not None else '-'):>6} {verdict(item):<6} "
            f"{item['p50_ms']:8.1f} {item['p95_ms']:8.1f} {item['queries']!s:>7} "
            f"{item['errors']:>7} | {'':<{len(small)}}  {scale.get('queries_small', '-')!s:>7} "
            f"{(f'{p95_ratio:.2f}' if p95_ratio is not None else '-'):>6}"
        )
    return "\n".join(lines)


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


# ---------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents", type=int, default=env_int("BENCH_DOCUMENTS", DEFAULT_DOCUMENTS)
    )
    parser.add_argument("--zones", type=int, default=env_int("BENCH_ZONES", DEFAULT_ZONES))
    parser.add_argument(
        "--small-documents",
        type=int,
        default=env_int("BENCH_SMALL_DOCUMENTS", 1000),
        help="the dataset the large one is compared with; 0 skips it (no scaling figures)",
    )
    parser.add_argument(
        "--small-zones",
        type=int,
        default=env_int("BENCH_SMALL_ZONES", 0),
        help="default: the large dataset's zones scaled like its documents, at least the demo's",
    )
    parser.add_argument("--seed", type=int, default=env_int("BENCH_SEED", DEFAULT_SEED))
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 10))
    parser.add_argument("--warmup", type=int, default=env_int("BENCH_WARMUP", 3))
    parser.add_argument(
        "--rounds",
        type=int,
        default=env_int("BENCH_ROUNDS", 3),
        help="repeat the interleaved pass; each endpoint reports its round of median ratio, "
        "and its median p50 and p95 over the rounds",
    )
    parser.add_argument("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 8))
    parser.add_argument("--wrk-threads", type=int, default=env_int("BENCH_WRK_THREADS", 1))
    parser.add_argument("--port", type=int, default=env_int("BENCH_PORT", 8310))
    parser.add_argument(
        "--cache",
        choices=["auto", "redis", "locmem"],
        default=os.environ.get("BENCH_CACHE", "auto"),
        help="the app's cache: Redis as in production (auto: if reachable) or local memory",
    )
    parser.add_argument(
        "--only", default=os.environ.get("BENCH_ONLY", ""), help="comma-separated endpoint names"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args(argv)
    if not args.small_zones:
        args.small_zones = max(
            DEMO_ZONES, round(args.zones * args.small_documents / args.documents)
        )
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install wrk).")
    endpoints = ENDPOINTS
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {endpoint.name for endpoint in ENDPOINTS}
        if unknown:
            raise SystemExit(f"bench: unknown endpoint(s): {', '.join(sorted(unknown))}")
        endpoints = [endpoint for endpoint in ENDPOINTS if endpoint.name in wanted]

    started = datetime.datetime.now(datetime.UTC)
    load_at_start = os.getloadavg()
    if load_at_start[0] > (os.cpu_count() or 1) * 0.5:
        log(
            f"note: the machine is busy (load average {load_at_start[0]:.1f} on "
            f"{os.cpu_count()} cores); figures will be noisy and pessimistic."
        )
    sizes = []
    if args.small_documents:
        sizes.append((args.small_documents, args.small_zones))
    sizes.append((args.documents, args.zones))
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
                f"--seed={args.seed}",
            ],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        generation[(documents, zones)] = json.loads(output.stdout.strip().splitlines()[-1])

    redis_url = redis_url_for(args.cache)
    large_database = cluster.database_name(args.documents, args.zones)
    log("\n== collectstatic (compressed, hashed names, as production serves them)")
    collectstatic(server_env(large_database, args.port, redis_url))

    with workers_listen_apart() as listening_apart:
        by_database = measure_datasets(
            [cluster.database_name(documents, zones) for documents, zones in sizes],
            endpoints,
            args,
            redis_url,
        )
    measured = {size: by_database[cluster.database_name(*size)] for size in sizes}

    large = measured[(args.documents, args.zones)]
    small = measured.get((args.small_documents, args.small_zones)) if args.small_documents else None
    results = build_results(large, small, args.documents, args.zones)
    print()
    print(table(results, (args.small_documents, args.small_zones) if small else None))
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    detail = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "cache": "redis" if redis_url else "locmem",
            "workers_listen_apart": listening_apart,
            "ratio": "endpoint rps / mean of the floor measured just before and just after it",
            "rounds": args.rounds,
            "summary": "the round of median ratio (its rps and ratio); p50 and p95: the "
            "median over the rounds",
        },
        "datasets": [
            {
                "documents": documents,
                "zones": zones,
                "generation": generation[(documents, zones)],
                **measured[(documents, zones)],
            }
            for documents, zones in sizes
        ],
    }
    detail_path = args.output.with_name(args.output.stem + "-detail.json")
    detail_path.write_text(json.dumps(detail, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"\nWrote {args.output} and {detail_path}.")


if __name__ == "__main__":
    main()
