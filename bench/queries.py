"""Queries per request, counted through Django's test client.

Run by ``bench.run`` with the environment of one served dataset (``DATABASE_URL``, the bench
settings, the cache of the server measured); reads a JSON object on stdin,
``{"endpoints": [names], "sets": {set name: [paths]}}``, and prints one: endpoint name →
queries, status, ETag, SQL; set name → queries of each path, their mean and maximum, statuses.

A fixed endpoint is requested once to warm what a long-running worker has warm (translations,
content types, the page cache), then counted on a second request, as the load generator sees
it. A set's paths are each counted on their first request (after one warm request of another
address), as the long tail reaches the server.
"""

import json
import statistics
import sys


def count_endpoints(client, endpoints) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = {}
    for endpoint in endpoints:
        plain = {**endpoint.headers(), "Host": "127.0.0.1"}
        plain.pop("If-None-Match", None)
        first = client.get(endpoint.path, headers=plain)
        etag = first.headers.get("ETag")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                endpoint.path, headers={**endpoint.headers(etag), "Host": "127.0.0.1"}
            )
        result[endpoint.name] = {
            "queries": len(captured.captured_queries),
            "status": response.status_code,
            "etag": etag,
            "sql": [query["sql"][:2000] for query in captured.captured_queries],
        }
    return result


def count_set(client, paths: list[str]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.endpoints import PROXY_HEADERS

    headers = {**PROXY_HEADERS, "Host": "127.0.0.1"}
    counts = []
    statuses: dict[str, int] = {}
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers=headers)
        counts.append(len(captured.captured_queries))
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
    return {
        "paths": paths,
        "queries": counts,
        "queries_mean": round(statistics.mean(counts), 1) if counts else None,
        "queries_max": max(counts, default=None),
        "statuses": statuses,
    }


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from bench.endpoints import ENDPOINTS, FLOOR, PROXY_HEADERS

    wanted = json.load(sys.stdin)
    by_name = {endpoint.name: endpoint for endpoint in [FLOOR, *ENDPOINTS]}
    client = Client()
    # Warm what a running worker has warm: translations, content types, URL resolvers.
    client.get(FLOOR.path, headers={**PROXY_HEADERS, "Host": "127.0.0.1"})
    client.get("/zh-hans/", headers={**PROXY_HEADERS, "Host": "127.0.0.1"})
    result = {
        "endpoints": count_endpoints(
            client, [by_name[name] for name in wanted.get("endpoints", [])]
        ),
        "sets": {name: count_set(client, paths) for name, paths in wanted.get("sets", {}).items()},
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
