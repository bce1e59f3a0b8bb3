"""Alerts for whoever watches performance, through Redis pub/sub (the dashboards' `performance_alert_stream`)."""

from __future__ import annotations

import json
from functools import cache

import redis
from django.conf import settings

PERFORMANCE_ALERT_CHANNEL = "performance_alert_stream"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def performance_alert_publish(alert: dict) -> None:
    _client().publish(PERFORMANCE_ALERT_CHANNEL, json.dumps(alert, sort_keys=True))
