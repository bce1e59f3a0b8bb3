DROP POLICY IF EXISTS retention_lease_service ON retention_lease;
REVOKE ALL ON retention_lease FROM hotdash_service;
ALTER TABLE retention_lease NO FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_lease DISABLE ROW LEVEL SECURITY;
