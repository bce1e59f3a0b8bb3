"""Whether a subject's tokens were revoked, read on every authenticated API call (so cached briefly in Redis)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from hotdash.revocations.models import TokenRevocation

NEVER = 0.0


def revocation_cache_key(subject: str) -> str:
    # Hashed: a client name may hold characters a cache key should not.
    return "hotdash:revoked-before:" + hashlib.sha256(subject.encode()).hexdigest()


def revoked_before(subject: str) -> float:
    """Epoch seconds at or before which the subject's tokens are refused; NEVER when none were revoked."""
    key = revocation_cache_key(subject)
    cached = cache.get(key)
    if cached is not None:
        return cached
    found = TokenRevocation.objects.filter(subject=subject).values_list("revoked_before", flat=True).first()
    value = found.timestamp() if found is not None else NEVER
    cache.set(key, value, timeout=settings.HOTDASH_REVOCATION_CACHE_SECONDS)
    return value
