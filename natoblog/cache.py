"""Django's Redis cache, failing open: a cache that is down must not take the site with it.

Every cache user (the page cache, the log-in icons, the comment rate limits) treats Redis as
an optimisation. With Redis unreachable, this backend answers as an empty cache would (a
miss, nothing stored) instead of raising, logs once, and stops trying for a few seconds, so
requests do not each wait for a connection timeout. Rate limits, which count with
add + incr, then see a fresh counter and let the request through (comments.spam).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5  # after a failure, how long to answer without trying Redis


class Client(RedisCacheClient):
    """Django's, but keeping one redis-py client a connection pool, where Django's makes a new
    one for every command: redis-py's constructor fills its table of response callbacks
    (169 of them) each time, 0.14 ms of CPU, more than the round trip to a local Redis
    (measured: a version read in pagecache.asgi's short path, 0.20 ms before, see
    pagecache/asgi.py). A client is only its pool and that table; it is safe to share between
    threads as the pool is."""

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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = Client
        self._down_until = 0.0

    def _safely(self, method, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError):
            if self._down_until == 0.0 or time.monotonic() >= self._down_until + 60:
                logger.warning("Redis unavailable: serving without the cache", exc_info=True)
            self._down_until = time.monotonic() + PAUSE_SECONDS
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._safely(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._safely(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._safely(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._safely(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._safely(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._safely(super().incr, missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._safely(super().delete_many, None, keys, version)

    def clear(self):
        return self._safely(super().clear, False)
