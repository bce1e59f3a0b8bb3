-- A materialized view is refreshed with its owner's privileges, and row-level security is FORCEd on the
-- migrating role too: so materialized views belong to hotdash_service, and the migrating role must be a
-- member of it to hand them over (a superuser need not be).
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'hotdash_service', 'MEMBER') THEN
        EXECUTE format('GRANT hotdash_service TO %I', current_user);
    END IF;
END
$$;
