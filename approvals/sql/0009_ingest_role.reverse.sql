DROP POLICY IF EXISTS agent_approvals_ingest_insert ON agent_approvals;
DROP POLICY IF EXISTS agent_approvals_ingest_select ON agent_approvals;
REVOKE ALL ON agent_approvals FROM hotdash_ingest;
