"""Queries per request for each endpoint, counted through Django's test client.

Run by ``bench.run`` with the environment of one dataset (``DATABASE_URL``, the bench settings);
prints a JSON object: endpoint name → queries, status, ETag. Each path is requested once to warm
what a long-running worker has warm (translations, content types, the page cache), then counted
on a second request, as the load generator would see it.
"""

import json
import sys


def count_queries(endpoints) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
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


def main() -> None:
    import django

    from bench.endpoints import ENDPOINTS, FLOOR

    django.setup()
    json.dump(count_queries([FLOOR, *ENDPOINTS]), sys.stdout)


if __name__ == "__main__":
    main()
