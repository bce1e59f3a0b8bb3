DROP POLICY IF EXISTS retention_lease_monitoring_select ON retention_lease;
DROP POLICY IF EXISTS retention_lease_service ON retention_lease;
REVOKE ALL ON retention_lease FROM hotdash_service, hotdash_monitoring;
ALTER TABLE retention_lease NO FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_lease DISABLE ROW LEVEL SECURITY;
