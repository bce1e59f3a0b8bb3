DROP POLICY IF EXISTS retention_purge_requests_operator_decide ON retention_purge_requests;
DROP POLICY IF EXISTS retention_purge_requests_operator_insert ON retention_purge_requests;
DROP POLICY IF EXISTS retention_purge_requests_staff_select ON retention_purge_requests;
DROP POLICY IF EXISTS retention_purge_requests_service ON retention_purge_requests;
REVOKE ALL ON retention_purge_requests FROM hotdash_service, hotdash_operator, hotdash_monitoring;
ALTER TABLE retention_purge_requests NO FORCE ROW LEVEL SECURITY;
ALTER TABLE retention_purge_requests DISABLE ROW LEVEL SECURITY;
