DROP POLICY IF EXISTS dbhealth_reports_readers_select ON dbhealth_reports;
DROP POLICY IF EXISTS dbhealth_reports_service ON dbhealth_reports;
DO $$
BEGIN
    IF pg_has_role('hotdash_service', 'pg_read_all_stats', 'MEMBER') THEN
        REVOKE pg_read_all_stats FROM hotdash_service;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not revoking pg_read_all_stats from hotdash_service: %', SQLERRM;
END
$$;
