-- The database roles of DESIGN.md §5. Idempotent: safe to run again, and safe to run by hand.
--
-- Roles belong to the whole cluster, not to one database. A migrating role that may not create roles
-- (common in managed PostgreSQL) needs a DBA to run this file once as a role with CREATEROLE:
--     psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -f hotdash/sql/0002_roles.sql
-- after which the migration finds everything in place and only checks it.
--
-- hotdash_app is the login role of web, workers and beat. NOINHERIT: it holds none of the capability
-- roles' privileges until a transaction switches to one with SET LOCAL ROLE, so a connection that set no
-- role sees no domain row. It is never a superuser and never bypasses row-level security.
-- hotdash_framework carries the privileges on Django's own tables (users, sessions, admin log, beat
-- schedules): every capability role that a console user acts as inherits it.
DO $roles$
DECLARE
    capability text;
    may_create boolean := (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user);
    capabilities text[] := ARRAY[
        'hotdash_service',      -- the agent platform and scheduled jobs: full access
        'hotdash_operator',     -- all approvals and queries; decides approvals
        'hotdash_annotator',    -- reads and annotates feedback, reads and extends the gold set
        'hotdash_qa',           -- reads all feedback, annotations and the gold set
        'hotdash_monitoring',   -- reads logs and metrics
        'hotdash_ai_readonly',  -- reads facts across projects
        'hotdash_tenant',       -- an API client scoped to its own project / scope / conversation
        'hotdash_supervisor'    -- Django superusers: what operators and QA see, never a bypass
    ];
BEGIN
    FOREACH capability IN ARRAY capabilities || ARRAY['hotdash_framework', 'hotdash_app'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = capability) THEN
            IF NOT may_create THEN
                RAISE EXCEPTION 'role % does not exist and % may not create roles', capability, current_user
                    USING HINT = 'Run hotdash/sql/0002_roles.sql once as a role with CREATEROLE (README, "Database roles").';
            END IF;
            IF capability = 'hotdash_app' THEN
                EXECUTE format('CREATE ROLE %I LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', capability);
            ELSE
                EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', capability);
            END IF;
        END IF;
    END LOOP;

    -- An existing hotdash_app that drifted (someone made it a superuser, or INHERIT) is refused, not trusted.
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hotdash_app' AND (rolsuper OR rolbypassrls OR rolinherit)) THEN
        RAISE EXCEPTION 'hotdash_app must be NOSUPERUSER NOBYPASSRLS NOINHERIT'
            USING HINT = 'ALTER ROLE hotdash_app NOSUPERUSER NOBYPASSRLS NOINHERIT;';
    END IF;

    -- Superusers of the console act as operator and QA together.
    FOREACH capability IN ARRAY ARRAY['hotdash_operator', 'hotdash_qa'] LOOP
        IF NOT pg_has_role('hotdash_supervisor', capability, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO hotdash_supervisor', capability);
        END IF;
    END LOOP;

    -- Console users act as these roles inside the admin, which reads and writes Django's own tables.
    FOREACH capability IN ARRAY ARRAY[
        'hotdash_service', 'hotdash_operator', 'hotdash_annotator', 'hotdash_qa', 'hotdash_monitoring'
    ] LOOP
        IF NOT pg_has_role(capability, 'hotdash_framework', 'MEMBER') THEN
            EXECUTE format('GRANT hotdash_framework TO %I', capability);
        END IF;
    END LOOP;

    -- The runtime role may switch to every capability role (membership without inheritance).
    FOREACH capability IN ARRAY capabilities LOOP
        IF NOT pg_has_role('hotdash_app', capability, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO hotdash_app', capability);
        END IF;
    END LOOP;
END
$roles$;
