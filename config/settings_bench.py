"""Settings for ``make bench``: the production settings, plus the floor view, minus throttling.

The benchmark serves the app exactly as production does (``DJANGO_DEBUG=0``, the full middleware
stack, compressed static files) and adds only what a measurement needs:

- ``/bench/hello/``, the floor: a hello-world view behind the same server and middleware, so
  every endpoint is reported as a ratio to what Django itself allows on this machine;
- no throttling, so that thousands of requests from one loopback address are not refused;
- a cache key prefix per served dataset, so no two servers of a run read each other's pages.

The benchmark measures the app with every cache off through the production settings themselves
(``DJANGO_PAGE_CACHE_SECONDS=0`` in the server's environment), never through a request header.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import CACHES, DEBUG, REST_FRAMEWORK

if DEBUG:
    raise ImproperlyConfigured("The benchmark measures production settings: set DJANGO_DEBUG=0.")

ROOT_URLCONF = "config.urls_bench"


class _NoRates(dict):
    """Every throttle scope, known or not, has no rate, which DRF treats as unlimited."""

    def __getitem__(self, scope):
        return None

    def get(self, scope, default=None):
        return None


REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": _NoRates(),
}

CACHES = {
    alias: {**config, "KEY_PREFIX": os.environ.get("BENCH_CACHE_KEY_PREFIX", "apz-bench")}
    for alias, config in CACHES.items()
}
