"""A generous limit on anonymous clients, set by ``DJANGO_API_THROTTLE_ANON`` (empty: no limit).

Signed-in clients are trusted and not limited. The count is kept in the default cache, so with
several processes it needs Redis (``REDIS_URL``) to be one count.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        # Read at request time, not import time, so that the setting can change in tests.
        return settings.API_ANON_THROTTLE_RATE or None
