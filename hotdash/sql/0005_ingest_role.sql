-- hotdash_ingest: the agent platform's role, split from hotdash_service. Idempotent: safe to run again, and
-- safe to run by hand like 0002_roles.sql (a DBA runs both once where the migrating role may not create roles).
--
-- The platform creates approvals, drafts, queries, facts, decision events, runs and logs, and reads decisions
-- back; it never decides. Each app's SQL grants it SELECT and INSERT only, with policies that refuse a row
-- inserted already decided or judged: an agent talked into approving its own refund finds no privilege to do it
-- with. hotdash_service stays for scheduled jobs and commands and is never handed out as an API token.
-- No hotdash_framework: the platform has no console login and never reads Django's own tables.
DO $roles$
DECLARE
    may_create boolean := (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user);
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hotdash_ingest') THEN
        IF NOT may_create THEN
            RAISE EXCEPTION 'role hotdash_ingest does not exist and % may not create roles', current_user
                USING HINT = 'Run hotdash/sql/0005_ingest_role.sql once as a role with CREATEROLE (README, "Database roles").';
        END IF;
        CREATE ROLE hotdash_ingest NOLOGIN INHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;

    -- The runtime role may switch to it (membership without inheritance, as for the other capability roles).
    IF NOT pg_has_role('hotdash_app', 'hotdash_ingest', 'MEMBER') THEN
        GRANT hotdash_ingest TO hotdash_app;
    END IF;
END
$roles$;
