-- The agent platform (hotdash_ingest) queues approvals and reads them back; it never decides. Idempotent.
-- It holds no UPDATE at all, so the decision columns (status, approved_by, reason, decided_at) are out of its
-- reach; and a row it inserts must be undecided, or an INSERT would be a decision by another name.
-- No privilege on approval_decisions or approval_leases: the audit trail and the leases are the operators'.
GRANT SELECT, INSERT ON agent_approvals TO hotdash_ingest;

-- Reading back: every approval, as the platform resumes runs of every tenant (it held this as the service).
DROP POLICY IF EXISTS agent_approvals_ingest_select ON agent_approvals;
CREATE POLICY agent_approvals_ingest_select ON agent_approvals FOR SELECT TO hotdash_ingest
    USING (true);

-- Queueing: pending and undecided only.
DROP POLICY IF EXISTS agent_approvals_ingest_insert ON agent_approvals;
CREATE POLICY agent_approvals_ingest_insert ON agent_approvals FOR INSERT TO hotdash_ingest
    WITH CHECK (status = 'pending' AND approved_by IS NULL AND reason IS NULL AND decided_at IS NULL);
