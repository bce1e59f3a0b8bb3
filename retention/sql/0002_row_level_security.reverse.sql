DROP POLICY IF EXISTS retention_runs_staff_select ON retention_runs;
DROP POLICY IF EXISTS retention_runs_service ON retention_runs;
REVOKE ALL ON retention_runs FROM hotdash_service, hotdash_operator, hotdash_monitoring;
ALTER TABLE retention_runs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_runs DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS retention_policies_operator_update ON retention_policies;
DROP POLICY IF EXISTS retention_policies_staff_select ON retention_policies;
DROP POLICY IF EXISTS retention_policies_service ON retention_policies;
REVOKE ALL ON retention_policies FROM hotdash_service, hotdash_operator, hotdash_monitoring;
ALTER TABLE retention_policies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_policies DISABLE ROW LEVEL SECURITY;

DROP TRIGGER IF EXISTS retention_policies_touch_updated_at ON retention_policies;
