-- Manual purge requests: row-level security like every table. Idempotent.
-- Operators ask and decide (the decision columns only); the purge itself runs as the service role.

ALTER TABLE retention_purge_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_purge_requests FORCE ROW LEVEL SECURITY;
REVOKE ALL ON retention_purge_requests FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_purge_requests TO hotdash_service;
GRANT SELECT, INSERT, UPDATE (status, decided_by, decided_at) ON retention_purge_requests TO hotdash_operator;
GRANT SELECT ON retention_purge_requests TO hotdash_monitoring;

DROP POLICY IF EXISTS retention_purge_requests_service ON retention_purge_requests;
CREATE POLICY retention_purge_requests_service ON retention_purge_requests FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS retention_purge_requests_staff_select ON retention_purge_requests;
CREATE POLICY retention_purge_requests_staff_select ON retention_purge_requests FOR SELECT
    TO hotdash_operator, hotdash_monitoring
    USING (true);
-- An operator files a request as pending; the decision is a separate UPDATE (by someone else: the CHECK).
DROP POLICY IF EXISTS retention_purge_requests_operator_insert ON retention_purge_requests;
CREATE POLICY retention_purge_requests_operator_insert ON retention_purge_requests FOR INSERT TO hotdash_operator
    WITH CHECK (status = 'pending' AND run_id IS NULL);
-- Operators decide pending requests only; running and recording the outcome is the service's.
DROP POLICY IF EXISTS retention_purge_requests_operator_decide ON retention_purge_requests;
CREATE POLICY retention_purge_requests_operator_decide ON retention_purge_requests FOR UPDATE TO hotdash_operator
    USING (status = 'pending') WITH CHECK (status IN ('approved', 'rejected'));
