"""Django's Redis cache backend with *change notices* (Redis pub/sub).

``notify()`` tells every process that ``listener()`` subscribed that the content generation
changed, so that each process may keep an in-process copy of it and of the pages it served
(public/cache.py ``InProcessCopy``).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property


class RedisCache(DjangoRedisCache):
    # public.cache reads this before it relies on notices.
    supports_change_notices = True

    @cached_property
    def notice_channel(self) -> str:
        """Under the key prefix, so that sites sharing a Redis never hear each other."""
        return self.make_key("changes")

    def notify(self) -> None:
        """Tell every listener that something changed (Redis delivers it to the subscribers
        before it answers this call)."""
        self._cache.get_client(write=True).publish(self.notice_channel, b"1")

    def listener(self, timeout: float = 2.0):
        """A subscription to the notices, confirmed by Redis before it is returned, so that
        anything read afterwards is covered by it. ``get_message(timeout=0)`` then returns a
        notice, or None without waiting; after a lost connection, redis-py subscribes again
        and the new confirmation arrives as a message too (notices may have been missed)."""
        pubsub = self._cache.get_client(write=True).pubsub()
        pubsub.subscribe(self.notice_channel)
        message = pubsub.get_message(timeout=timeout)
        if not message or message["type"] != "subscribe":
            pubsub.close()
            raise ConnectionError("Redis did not confirm the subscription to change notices")
        return pubsub

    def clear(self):
        # Everything kept is gone, the generation too: whoever keeps a copy must read again.
        cleared = super().clear()
        self.notify()
        return cleared
