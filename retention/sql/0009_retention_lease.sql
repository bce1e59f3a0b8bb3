-- The retention lease (one row): row-level security like every table. Idempotent.
-- Only the service role takes, renews and frees it (retention runs, purges, restores); monitoring may read who holds it.

ALTER TABLE retention_lease ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_lease FORCE ROW LEVEL SECURITY;
REVOKE ALL ON retention_lease FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON retention_lease TO hotdash_service;
GRANT SELECT ON retention_lease TO hotdash_monitoring;

-- For the service role, which runs retention, purges and restores.
DROP POLICY IF EXISTS retention_lease_service ON retention_lease;
CREATE POLICY retention_lease_service ON retention_lease FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- For monitoring staff: who holds the lease, until when.
DROP POLICY IF EXISTS retention_lease_monitoring_select ON retention_lease;
CREATE POLICY retention_lease_monitoring_select ON retention_lease FOR SELECT TO hotdash_monitoring
    USING (true);
