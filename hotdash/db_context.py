"""Who the database thinks we are: the one way to pick a capability role and a tenant.

Design note. Web, workers and beat connect as `hotdash_app`, which holds no privilege on domain tables.
Every unit of work runs inside `acting_as(role, ...)`, which opens (or joins) a transaction and sets, for
that transaction only, the role (SET LOCAL ROLE) and the tenant settings the row-level security policies
read (`set_config(name, value, true)`). Nothing is ever set at session level: a pooled connection
(PgBouncer in transaction mode, CONN_MAX_AGE) that is handed to the next request carries nothing over,
and a connection that set nothing sees no domain row at all (fail closed).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Role(StrEnum):
    # Scheduled jobs and commands (expiry, retention, seeding): every row. Never an API token.
    SERVICE = "hotdash_service"
    # The agent platform's API token: creates approvals, drafts, queries, facts, events and logs and reads
    # them back; decides nothing (no UPDATE anywhere).
    INGEST = "hotdash_ingest"
    OPERATOR = "hotdash_operator"
    ANNOTATOR = "hotdash_annotator"
    QA = "hotdash_qa"
    MONITORING = "hotdash_monitoring"
    AI_READONLY = "hotdash_ai_readonly"
    TENANT = "hotdash_tenant"
    SUPERVISOR = "hotdash_supervisor"

    @property
    def short(self) -> str:
        """The name used in API token claims and on the command line: `service`, `tenant`, ..."""
        return self.value.removeprefix("hotdash_")

    @classmethod
    def from_short(cls, name: str) -> Role:
        try:
            return cls(f"hotdash_{name}")
        except ValueError:
            choices = ", ".join(role.short for role in cls)
            raise ValueError(f"unknown role {name!r}; expected one of {choices}") from None


RUNTIME_ROLE = "hotdash_app"


@dataclass(frozen=True)
class DbContext:
    """A capability role and the tenant it acts for; empty tenant fields match no tenant row."""

    role: Role
    project: str | None = None
    scope: str | None = None
    conversation_id: str | None = None
    request_id: str | None = None
    # The console user (username) behind the request: policies that keep a person's own rows (annotations)
    # compare with it. Set from the session or from the token's `username` claim, never from a request body.
    user: str | None = None


# The contexts entered on each connection of this thread, innermost last.
_stacks = threading.local()


def _stack(using: str) -> list[DbContext]:
    stacks = _stacks.__dict__.setdefault("by_alias", {})
    return stacks.setdefault(using, [])


# One round trip. set_config('role', r, true) is SET LOCAL ROLE r with the role as a bound parameter;
# the last argument `true` makes every value local to the transaction.
_APPLY_SQL = (
    "SELECT set_config('role', %s, true), set_config('app.current_project', %s, true),"
    " set_config('app.current_scope', %s, true), set_config('app.conversation_id', %s, true),"
    " set_config('app.request_id', %s, true), set_config('app.user', %s, true)"
)


def _apply(using: str, context: DbContext | None) -> None:
    """Switch the open transaction to `context`; None switches back to no role and no tenant."""
    if context is None:
        values = ["none", "", "", "", "", ""]
    else:
        values = [
            Role(context.role).value,
            context.project or "",
            context.scope or "",
            context.conversation_id or "",
            context.request_id or "",
            context.user or "",
        ]
    with connections[using].cursor() as cursor:
        cursor.execute(_APPLY_SQL, values)


@contextmanager
def acting_as(
    role: Role,
    *,
    project: str | None = None,
    scope: str | None = None,
    conversation_id: str | None = None,
    request_id: str | None = None,
    user: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[DbContext]:
    """Run the block as `role` for the given tenant, inside a transaction.

    Opens a transaction, or joins the one already open (as a savepoint). When the block ends the
    enclosing context, if any, is restored; if the block raises, the savepoint's rollback restores it.
    """
    context = DbContext(
        role=Role(role), project=project, scope=scope, conversation_id=conversation_id, request_id=request_id,
        user=user,
    )
    stack = _stack(using)
    outermost = not connections[using].in_atomic_block
    with transaction.atomic(using=using):
        _apply(using, context)
        stack.append(context)
        try:
            yield context
        finally:
            stack.pop()
    if not outermost:
        # The enclosing transaction goes on: give it back the context it had (or none).
        _apply(using, stack[-1] if stack else None)


def current_context(using: str = DEFAULT_DB_ALIAS) -> DbContext | None:
    """The innermost context entered on this thread's connection, if any."""
    stack = _stack(using)
    return stack[-1] if stack else None


def runtime_role_check(sender, connection, **kwargs) -> None:  # noqa: ARG001 - a signal receiver's signature
    """Refuse to run the app on a connection that would bypass row-level security.

    Connected to `connection_created` for the runtime alias: a DATABASE_URL that names a superuser or a
    BYPASSRLS role would make every policy pass silently, so the process stops with a clear message.
    """
    if connection.alias != DEFAULT_DB_ALIAS:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = session_user")
        user, superuser, bypass = cursor.fetchone()
    if superuser or bypass:
        raise ImproperlyConfigured(
            f"DATABASE_URL connects as {user!r}, which {'is a superuser' if superuser else 'bypasses RLS'}: "
            f"row-level security would not apply. Connect as {RUNTIME_ROLE} and put the migrating role in "
            "DATABASE_OWNER_URL."
        )
