"""What the benchmark measures at fixed addresses, and the pages of its first-read and admin
parts. Edit these lists to add, drop or retarget an address.

Every path exists in both datasets: the slugs are the demo's, which the generator loads first
and ranks first in its Zipf draws (the real zones and documents draw the most links), and
``quantum`` is a term the generator gives to about 0.2 % of documents.

Each dataset is served twice: with production's settings (``cache_on``: the page cache and the
kept parts in Redis) and with every cache off (``cache_off``: ``DJANGO_PAGE_CACHE_SECONDS=0``).
A fixed endpoint names the server it is measured on; the requests themselves are what any
reader sends.
"""

from dataclasses import dataclass

# Sent with every request: production sits behind a TLS proxy (DJANGO_BEHIND_PROXY=1), so
# without it every request would be redirected to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
CACHE_ON = "cache_on"
CACHE_OFF = "cache_off"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    # The server measured: production's settings, or every cache off (building the page).
    server: str = CACHE_OFF
    # Send If-None-Match with the ETag of a first response, and expect 304.
    conditional: bool = False

    @property
    def expected_statuses(self) -> tuple[int, ...]:
        return (304,) if self.conditional else (200,)

    def headers(self, etag: str | None = None) -> dict[str, str]:
        headers = dict(PROXY_HEADERS)
        if self.conditional:
            # Without an ETag the request still goes out, and the 200s it gets count as errors.
            headers["If-None-Match"] = etag or '"no-etag-was-offered"'
        return headers


FLOOR = Endpoint("floor", "/bench/hello/", server=CACHE_ON)

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
    Endpoint("policy-list-cached", "/policies/", server=CACHE_ON),
    Endpoint("policy-list-304", "/policies/", server=CACHE_ON, conditional=True),
]

# The first read of each public page after an edit (single requests, production's settings).
FIRST_READ_PATHS = [
    "/",
    "/policies/",
    "/policies/?authority=miit&focus_area=intelligent-manufacturing&issued_after=2019-01-01",
    "/zones/",
    "/zones/?program=miit&focus_area=intelligent-manufacturing",
    "/search/?q=development",
    "/zh-hans/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD",  # 人工智能
    "/policies/miit-second-batch-notice-2021/",
    "/zones/miit-beijing/",
    "/programs/miit/",
    "/focus-areas/",
    "/policies/feed/",
    "/sitemap.xml",
    "/api/v1/policies/",
    "/api/v1/zones/",
]

# The admin, signed in as a superuser; {document} and {zone} are primary keys of public records.
ADMIN_PATHS = [
    "/admin/policies/policydocument/",
    "/admin/policies/policydocument/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD",  # 人工智能
    "/admin/policies/policydocument/?q=quantum",
    "/admin/policies/policydocument/?_facets=True",
    "/admin/policies/policydocument/{document}/change/",
    "/admin/zones/zone/",
    "/admin/zones/zone/{zone}/change/",
]
