"""Section 2, row-level security, checked from the runtime role's own connection.

The production report "verified" RLS as a superuser, for whom every policy passes. Here the session is the
runtime role's (`hotdash_app`): its attributes, what it owns and holds are read for that role, and every
gap there is critical.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict

from django.db import DatabaseError, connection, transaction
from psycopg import errors as pg_errors
from psycopg import sql

from hotdash.db_context import RUNTIME_ROLE, Role, acting_as
from metrics.dbhealth.catalog import application_tables, rows
from metrics.dbhealth.report import Level, Section

NAME = "rls"
TITLE = "Row-level security"

COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _runtime_role(result: Section) -> None:
    (me,) = rows(
        "SELECT session_user AS name, r.rolsuper, r.rolbypassrls, r.rolinherit,"
        " current_setting('row_security') AS row_security"
        " FROM pg_roles r WHERE r.rolname = session_user"
    )
    if me["name"] != RUNTIME_ROLE:
        result.add(
            "runtime role", Level.CRITICAL, me["name"],
            f"the report runs as {me['name']}, not {RUNTIME_ROLE}: the checks below describe another role",
            f"run it with DATABASE_URL connecting as {RUNTIME_ROLE}",
        )
    gaps = [
        text for flag, text in (
            (me["rolsuper"], "is a superuser"),
            (me["rolbypassrls"], "bypasses RLS"),
            (me["rolinherit"], "inherits its roles' privileges without SET ROLE"),
            (me["row_security"] != "on", "runs with row_security off"),
        ) if flag
    ]
    owned = [r["relname"] for r in rows(
        "SELECT c.relname FROM pg_class c WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = session_user)"
        " AND c.relnamespace = 'public'::regnamespace ORDER BY 1"
    )]
    if owned:
        gaps.append(f"owns {', '.join(owned)} (an owner passes every policy unless FORCE)")
    held = [r["relname"] for r in rows(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s)"
        " AND (has_table_privilege(session_user, c.oid, 'SELECT') OR has_table_privilege(session_user, c.oid, 'INSERT')"
        "  OR has_table_privilege(session_user, c.oid, 'UPDATE') OR has_table_privilege(session_user, c.oid, 'DELETE'))"
        " ORDER BY 1",
        [application_tables()],
    )]
    if held:
        gaps.append(f"holds privileges on {', '.join(held)} itself (it should read no domain row without a role)")
    for gap in gaps:
        result.add(
            "runtime role", Level.CRITICAL, me["name"], gap,
            "ALTER ROLE hotdash_app NOSUPERUSER NOBYPASSRLS NOINHERIT; grant capability roles, never tables",
        )
    if not gaps:
        result.add(
            "runtime role", Level.OK, me["name"],
            "no superuser, no BYPASSRLS, NOINHERIT, owns nothing, holds no domain privilege, row_security on",
        )


def _tables(result: Section) -> None:
    tables = application_tables()
    flags = {
        r["relname"]: r
        for r in rows(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relname = ANY(%s)",
            [tables],
        )
    }
    policies = rows(
        "SELECT tablename, policyname, permissive, roles::text[] AS roles, cmd,"
        " coalesce(qual, '') AS qual, coalesce(with_check, '') AS with_check"
        " FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename, policyname"
    )
    by_table = defaultdict(list)
    for policy in policies:
        by_table[policy["tablename"]].append(policy)

    for table in tables:
        enabled, forced = flags[table]["relrowsecurity"], flags[table]["relforcerowsecurity"]
        own = by_table.get(table, [])
        if not enabled:
            result.add(
                "rls enabled", Level.CRITICAL, table,
                "row-level security is disabled" + (" although policies exist" if own else ""),
                f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; in a new numbered SQL file and migration",
            )
        if not forced:
            result.add(
                "rls forced", Level.CRITICAL, table, "row-level security is not forced: the owner passes every policy",
                f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
            )
        if not own:
            result.add(
                "policies", Level.CRITICAL, table, "no policy: nobody but the owner reads a row, or, with RLS off, everyone",
                "write a policy per role and command (see metrics/sql/0003_row_level_security.sql)",
            )
            continue
        per_command = {
            command: sum(1 for p in own if p["cmd"] in (command, "ALL")) for command in COMMANDS
        }
        if Role.SERVICE.value not in {role for p in own for role in p["roles"]}:
            result.add(
                "policies", Level.WARNING, table,
                "no policy for hotdash_service: retention, backup and restore see none of its rows",
                f"CREATE POLICY {table}_service ON {table} FOR ALL TO hotdash_service USING (true) WITH CHECK (true);",
            )
        if enabled and forced:
            result.add(
                "rls", Level.OK, table,
                "enabled, forced; policies " + ", ".join(f"{c} {n}" for c, n in per_command.items()),
            )
        _overlaps(result, table, own)

    for policy in policies:
        expression = f"{policy['qual']} {policy['with_check']}"
        if "current_setting(" in _SUBSELECTED_SETTING.sub("", expression):
            result.add(
                "setting per row", Level.WARNING, f"{policy['tablename']}.{policy['policyname']}",
                "calls current_setting() for every row instead of once per statement (no InitPlan)",
                "wrap it: column = (SELECT NULLIF(current_setting('app.x', true), ''))",
            )


# A setting read in a sub-select, as PostgreSQL prints it back: `( SELECT current_setting(...` or, with an empty
# setting matching nothing, `( SELECT NULLIF(current_setting(...`. Either is evaluated once (an InitPlan).
_SUBSELECTED_SETTING = re.compile(r"\(\s*SELECT\s+(?:NULLIF\(\s*)?current_setting\(", re.IGNORECASE)


def _overlaps(result: Section, table: str, policies: list[dict]) -> None:
    """Two permissive policies for the same role and command: each row is checked against both (splinter)."""
    seen = defaultdict(list)
    for policy in policies:
        if policy["permissive"] != "PERMISSIVE":
            continue
        for command in COMMANDS if policy["cmd"] == "ALL" else (policy["cmd"],):
            for role in policy["roles"]:
                seen[(role, command)].append(policy["policyname"])
    for (role, command), names in sorted(seen.items()):
        if len(names) > 1:
            result.add(
                "permissive overlap", Level.WARNING, table,
                f"{role} {command}: {len(names)} permissive policies ({', '.join(names)}), each evaluated per row",
                "merge them into one policy per role and command",
            )


def _views_and_functions(result: Section) -> None:
    for view in rows(
        "SELECT relname, coalesce(reloptions, '{}') AS options FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind = 'v' ORDER BY relname"
    ):
        if "security_invoker=true" in view["options"] or "security_invoker=on" in view["options"]:
            result.add("view security_invoker", Level.OK, view["relname"], "runs with the reader's privileges")
        else:
            result.add(
                "view security_invoker", Level.CRITICAL, view["relname"],
                "runs with its owner's privileges: readers pass the tables' policies",
                f"ALTER VIEW {view['relname']} SET (security_invoker = true);",
            )
    for function in rows(
        "SELECT p.oid::regprocedure::text AS name FROM pg_proc p"
        " WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef"
        " AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c WHERE c LIKE 'search_path=%%')"
        " ORDER BY 1"
    ):
        result.add(
            "function search_path", Level.WARNING, function["name"],
            "SECURITY DEFINER with a mutable search_path: a caller's schema can shadow what it calls",
            f"ALTER FUNCTION {function['name']} SET search_path = pg_catalog, public;",
        )


# Rows every tenant may read by design, whatever its context (the production report's section 10).
SHARED_WITH_TENANTS = {"observability_logs": "INFO and WARN lines are shared with every tenant by design"}


def _reads_a_row(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)))
        return cursor.fetchone()[0]


def _probes(result: Section) -> None:
    """What the runtime role really reads: with no role at all, and as a tenant whose context matches no row."""
    nobody = f"dbhealth-probe-{uuid.uuid4().hex}"
    for table in application_tables():
        try:
            with transaction.atomic():
                # Back to the bare runtime role for this savepoint only (its rollback restores the role).
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('role', 'none', true)")
                _reads_a_row(table)
                transaction.set_rollback(True)
            result.add(
                "fail closed", Level.CRITICAL, table, f"{RUNTIME_ROLE} reads it without choosing a role",
                f"REVOKE ALL ON {table} FROM PUBLIC, {RUNTIME_ROLE};",
            )
        except DatabaseError as error:
            if not isinstance(error.__cause__, pg_errors.InsufficientPrivilege):
                raise
        with acting_as(Role.TENANT, project=nobody, scope=nobody, conversation_id=nobody, request_id=nobody):
            with connection.cursor() as cursor:
                cursor.execute("SELECT has_table_privilege(%s, 'SELECT')", [table])
                readable = cursor.fetchone()[0]
            leaks = readable and _reads_a_row(table)
        if leaks and table not in SHARED_WITH_TENANTS:
            result.add(
                "tenant isolation", Level.CRITICAL, table,
                f"as {RUNTIME_ROLE} acting for a tenant that owns no row, it reads rows of other tenants",
                "narrow the hotdash_tenant policies to the tenant's own column = (SELECT current_setting(...))",
            )
        else:
            how = SHARED_WITH_TENANTS[table] if leaks else "reads no other tenant's row" if readable else "refused"
            result.add("tenant isolation", Level.OK, table, f"no role: permission denied; a tenant with no rows: {how}")


def section() -> Section:
    result = Section(NAME, TITLE)
    _runtime_role(result)
    _tables(result)
    _probes(result)
    _views_and_functions(result)
    return result
