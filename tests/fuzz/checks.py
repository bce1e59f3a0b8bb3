"""Checks schemathesis runs on every response of the fuzz test, besides its own (loaded by SCHEMATHESIS_HOOKS)."""

import schemathesis
from schemathesis.core.failures import AcceptedNegativeData


@schemathesis.check
def refusal_names_the_problem(ctx, response, case):
    """A 4xx is a JSON object saying what was wrong: a `detail`, or the fields at fault with their reasons."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} without a JSON body: {response.text[:200]!r}") from None
    if not isinstance(body, dict) or not body:
        raise AssertionError(f"{response.status_code} body is not a JSON object naming the problem: {body!r}")
    for name, reason in body.items():
        if not reason:
            raise AssertionError(f"{response.status_code} names {name!r} with no reason: {body!r}")
    return None


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    """Keep every failure but "invalid data accepted" for a query the HTTP client could not send.

    A negative case may give a query parameter the value null (or a list of nulls); requests leaves such a
    parameter out, so the server answers a request without it, and schemathesis reports that answer as the
    API accepting the null it never received.
    """
    if not isinstance(failure, AcceptedNegativeData):
        return True
    return not any(value is None or (isinstance(value, list) and None in value) for value in (case.query or {}).values())
