"""What the benchmark measures. Edit this list to add, drop or retarget an endpoint.

Every path exists in both datasets: the slugs are the demo's, which the generator loads first
and ranks first in its Zipf draws (the real zones and documents draw the most links), and
``quantum`` is a term the generator gives to about 0.2 % of documents.
"""

from dataclasses import dataclass

# Sent with every request: production sits behind a TLS proxy (DJANGO_BEHIND_PROXY=1), so
# without it every request would be redirected to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# Tells a page cache to neither serve nor store (settings_bench.BENCH_CACHE_BYPASS_HEADER).
CACHE_BYPASS_HEADER = "X-Bench-Cache-Bypass"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    # False only where the cache is what is measured: a repeat request, a conditional one.
    bypass_cache: bool = True
    # Send If-None-Match with the ETag of a first response, and expect 304.
    conditional: bool = False

    @property
    def expected_statuses(self) -> tuple[int, ...]:
        return (304,) if self.conditional else (200,)

    def headers(self, etag: str | None = None) -> dict[str, str]:
        headers = dict(PROXY_HEADERS)
        if self.bypass_cache:
            headers[CACHE_BYPASS_HEADER] = "1"
        if self.conditional:
            # Without an ETag the request still goes out, and the 200s it gets count as errors.
            headers["If-None-Match"] = etag or '"no-etag-was-offered"'
        return headers


FLOOR = Endpoint("floor", "/bench/hello/", bypass_cache=False)

ENDPOINTS = [
    Endpoint("zone-list", "/zones/"),
    Endpoint("zone-detail", "/zones/miit-beijing/"),
    Endpoint("policy-list", "/policies/"),
    Endpoint(
        "policy-list-filtered",
        "/policies/?authority=miit&focus_area=intelligent-manufacturing"
        "&issued_after=2019-01-01&issued_before=2024-12-31",
    ),
    Endpoint("policy-search", "/policies/?q=quantum"),
    Endpoint("policy-detail", "/policies/miit-second-batch-notice-2021/"),
    Endpoint("api-zone-list", "/api/v1/zones/"),
    Endpoint("api-policy-list", "/api/v1/policies/"),
    Endpoint("api-policy-search", "/api/v1/policies/?q=quantum"),
    Endpoint("policy-list-cached", "/policies/", bypass_cache=False),
    Endpoint("policy-list-304", "/policies/", bypass_cache=False, conditional=True),
]
