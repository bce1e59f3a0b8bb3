-- dbhealth_reports: the stored database health reports. Idempotent.
-- Written by the daily beat job as the service role; read by monitoring and supervisors (the admin page).
ALTER TABLE dbhealth_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE dbhealth_reports FORCE ROW LEVEL SECURITY;

REVOKE ALL ON dbhealth_reports FROM PUBLIC;
-- DELETE for retention; a report is never changed.
GRANT SELECT, INSERT, DELETE ON dbhealth_reports TO hotdash_service;
GRANT SELECT ON dbhealth_reports TO hotdash_monitoring, hotdash_supervisor;

DROP POLICY IF EXISTS dbhealth_reports_service ON dbhealth_reports;
CREATE POLICY dbhealth_reports_service ON dbhealth_reports FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- Reports describe the whole database, no tenant's rows: every reader sees every report.
DROP POLICY IF EXISTS dbhealth_reports_readers_select ON dbhealth_reports;
CREATE POLICY dbhealth_reports_readers_select ON dbhealth_reports FOR SELECT
    TO hotdash_monitoring, hotdash_supervisor
    USING (true);

-- The report runs as the service role. pg_stat_activity and pg_stat_statements show another role's sessions
-- and statements only to members of pg_read_all_stats (statistics, no table data). Granting it needs a
-- superuser (or its admin option): where the migrating role may not, the report says it sees only its own
-- sessions and how to grant it.
DO $$
BEGIN
    IF NOT pg_has_role('hotdash_service', 'pg_read_all_stats', 'MEMBER') THEN
        GRANT pg_read_all_stats TO hotdash_service;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not granting pg_read_all_stats to hotdash_service: %', SQLERRM;
END
$$;
