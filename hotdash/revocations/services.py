"""Revoking API tokens: every token a subject holds now stops working at once, on every web process."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from hotdash.revocations.models import TokenRevocation
from hotdash.revocations.selectors import revocation_cache_key
from hotdash.tokens import MACHINE_ROLES, machine_subject, user_subject


def subjects_revoke(subjects: list[str], *, by: str) -> datetime:
    """Refuse every token of `subjects` issued until now. The cache is written once the change is committed,
    so no process keeps trusting a revoked token for the cache's lifetime."""
    now = timezone.now()
    with transaction.atomic():
        for subject in subjects:
            TokenRevocation.objects.update_or_create(subject=subject, defaults={"revoked_before": now, "revoked_by": by})
    values = {revocation_cache_key(subject): now.timestamp() for subject in subjects}
    transaction.on_commit(lambda: cache.set_many(values, timeout=settings.HOTDASH_REVOCATION_CACHE_SECONDS))
    return now


def user_tokens_revoke(user: AbstractBaseUser, *, by: str) -> datetime:
    """A console user's access and refresh tokens; their outstanding refresh tokens are blacklisted as well."""
    with transaction.atomic():
        revoked_at = subjects_revoke([user_subject(user)], by=by)
        for token in OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True):
            BlacklistedToken.objects.get_or_create(token=token)
    return revoked_at


def machine_tokens_revoke(client: str, *, by: str) -> datetime:
    """Every token `issue_token --client <client>` printed, whatever its role."""
    if not client.strip():
        raise ValueError("client must name the machine whose tokens are revoked")
    return subjects_revoke([machine_subject(role, client) for role in MACHINE_ROLES], by=by)
