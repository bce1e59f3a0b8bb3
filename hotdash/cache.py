"""The cache's Redis connections: one pool per process, whatever the number of cache objects."""

from __future__ import annotations

import threading

from redis import ConnectionPool


class ProcessConnectionPool(ConnectionPool):
    """A Redis connection pool shared by every cache object of the process that asks for the same server.

    Django's Redis cache makes a pool per cache object, and under ASGI a cache object per request (its caches
    are per context): every request connected to Redis anew, about a fifth of a decision's time in the web
    worker (docs/benchmarks.md). redis-py's pools are thread-safe, and reset themselves in a forked child.
    """

    _shared: dict[tuple, ConnectionPool] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs) -> ConnectionPool:
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            if key not in cls._shared:
                cls._shared[key] = super().from_url(url, **kwargs)
            return cls._shared[key]
