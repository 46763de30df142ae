"""Where an endpoint's time goes: database or Python, and the plans of its slowest queries.

    .venv/bin/python -m bench.explain                          # every endpoint, 100,000 documents
    .venv/bin/python -m bench.explain policy-list policy-search --documents 1000 --zones 26
    .venv/bin/python -m bench.explain policy-detail --profile  # plus a cProfile of one request
    .venv/bin/python -m bench.explain "/zh-hans/search/?q=算力"  # any path, e.g. from a set

Runs in-process through Django's test client with the bench settings against an existing bench
dataset (``make bench`` or ``python -m bench.generate`` creates it). For each endpoint it prints
the wall time of a warm request, the time spent in SQL, each query's time, and
``EXPLAIN (ANALYZE, BUFFERS)`` of the queries slower than ``--slower-than`` milliseconds.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time

from bench import cluster
from bench.endpoints import ENDPOINTS, FLOOR, Endpoint
from bench.generate import DEFAULT_DOCUMENTS, DEFAULT_ZONES, setup_django


def explain(endpoints, slower_than_ms: float, profile: bool, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for endpoint in endpoints:
        headers = {**endpoint.headers(), "Host": "127.0.0.1"}
        headers.pop("If-None-Match", None)
        first = client.get(endpoint.path, headers=headers)
        headers = {**endpoint.headers(first.headers.get("ETag")), "Host": "127.0.0.1"}
        walls = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(endpoint.path, headers=headers)
                walls.append((time.perf_counter() - started) * 1000)
        wall = min(walls)
        queries = captured.captured_queries
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        print(f"\n### {endpoint.name}  {endpoint.path}")
        print(
            f"status {response.status_code}, {len(response.content):,} bytes, "
            f"best of {repeat}: {wall:.1f} ms, of which SQL {sql_ms:.1f} ms in "
            f"{len(queries)} queries, Python {wall - sql_ms:.1f} ms"
        )
        for number, query in enumerate(queries, 1):
            query_ms = float(query["time"]) * 1000
            print(f"  [{number}] {query_ms:7.1f} ms  {query['sql'][:160]}")
        for number, query in enumerate(queries, 1):
            if float(query["time"]) * 1000 < slower_than_ms:
                continue
            print(f"\n  EXPLAIN [{number}]\n  {query['sql']}\n")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                for (line,) in cursor.fetchall():
                    print("    " + line)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(endpoint.path, headers=headers)
            profiler.disable()
            output = io.StringIO()
            pstats.Stats(profiler, stream=output).sort_stats("cumulative").print_stats(30)
            print(output.getvalue())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help="endpoint names or paths starting with / (default: every endpoint)"
    )
    parser.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS)
    parser.add_argument("--zones", type=int, default=DEFAULT_ZONES)
    parser.add_argument("--slower-than", type=float, default=20.0, help="milliseconds")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    database = cluster.database_name(args.documents, args.zones)
    if not cluster.database_exists(database):
        raise SystemExit(f"bench: no dataset {database}; run python -m bench.generate first.")
    setup_django(cluster.database_url(database))
    by_name = {endpoint.name: endpoint for endpoint in [FLOOR, *ENDPOINTS]}
    for name in args.names:
        if name.startswith("/"):
            by_name[name] = Endpoint(name, name)
    unknown = set(args.names) - set(by_name)
    if unknown:
        raise SystemExit(f"bench: unknown endpoint(s): {', '.join(sorted(unknown))}")
    endpoints = [by_name[name] for name in args.names] if args.names else ENDPOINTS
    sys.stdout.reconfigure(line_buffering=True)
    explain(endpoints, args.slower_than, args.profile, args.repeat)


if __name__ == "__main__":
    main()
