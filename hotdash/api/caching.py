"""Short-lived caching of API answers in Redis that fails open: with Redis down, the database answers."""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def response_cache_key(name: str, request) -> str:
    """One entry per endpoint, role and tenant, and query string: a cached answer never crosses tenants."""
    context = request._request.db_context
    parts = [name, context.role.value, context.project or "", context.scope or "", context.conversation_id or "",
             request._request.META.get("QUERY_STRING", "")]
    return "api-cache:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("API cache unavailable; reading the database", exc_info=True)
        return None


def cache_set(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("API cache unavailable; answer not cached", exc_info=True)
