-- Retention policies and the records of backup / retention runs: row-level security like every table. Idempotent.
-- The service role (beat, the commands) writes runs and reads policies; operators edit the policies' numbers
-- and read the runs; monitoring reads both. Nobody but the service deletes.

DROP TRIGGER IF EXISTS retention_policies_touch_updated_at ON retention_policies;
CREATE TRIGGER retention_policies_touch_updated_at
    BEFORE UPDATE ON retention_policies
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();

-- retention_policies ----------------------------------------------------------------------------------
ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_policies FORCE ROW LEVEL SECURITY;
REVOKE ALL ON retention_policies FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_policies TO hotdash_service;
GRANT SELECT, UPDATE (keep_days, exception_keep_days, slow_query_ms, enabled, notes) ON retention_policies
    TO hotdash_operator;
GRANT SELECT ON retention_policies TO hotdash_monitoring;

DROP POLICY IF EXISTS retention_policies_service ON retention_policies;
CREATE POLICY retention_policies_service ON retention_policies FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- Policies hold no tenant data: every staff role that may read them reads all of them.
DROP POLICY IF EXISTS retention_policies_staff_select ON retention_policies;
CREATE POLICY retention_policies_staff_select ON retention_policies FOR SELECT
    TO hotdash_operator, hotdash_monitoring
    USING (true);
DROP POLICY IF EXISTS retention_policies_operator_update ON retention_policies;
CREATE POLICY retention_policies_operator_update ON retention_policies FOR UPDATE TO hotdash_operator
    USING (true) WITH CHECK (true);

-- retention_runs --------------------------------------------------------------------------------------
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_runs FORCE ROW LEVEL SECURITY;
REVOKE ALL ON retention_runs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_runs TO hotdash_service;
GRANT SELECT ON retention_runs TO hotdash_operator, hotdash_monitoring;

DROP POLICY IF EXISTS retention_runs_service ON retention_runs;
CREATE POLICY retention_runs_service ON retention_runs FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS retention_runs_staff_select ON retention_runs;
CREATE POLICY retention_runs_staff_select ON retention_runs FOR SELECT TO hotdash_operator, hotdash_monitoring
    USING (true);
