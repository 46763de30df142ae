"""Django's Redis cache backend, with one Redis client per connection pool, and change notices.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis``
for every operation, and building one (its table of response callbacks) costs more CPU than the
round trip itself. A ``redis.Redis`` is safe to share (each command takes a connection from the
pool), and Django already keeps one backend per thread.

The *change notices* are Redis pub/sub: ``notify()`` tells every process that ``listener()``
subscribed that the content generation changed, so that each process may keep an in-process
copy of it and of the pages it served (core/cache.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    # core.cache reads this before it relies on notices.
    supports_change_notices = True

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

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
