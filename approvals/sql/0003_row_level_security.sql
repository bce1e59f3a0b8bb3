-- Row-level security on agent_approvals (DESIGN.md §5). Idempotent.
-- Privileges say which commands a role may run at all (a refusal is an error, never a silent 0 rows);
-- policies say which rows. Nobody but the service role deletes: retention runs as the service.
ALTER TABLE agent_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_approvals FORCE ROW LEVEL SECURITY;

REVOKE ALL ON agent_approvals FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_approvals TO hotdash_service;
GRANT SELECT, UPDATE (status, approved_by, reason, decided_at) ON agent_approvals TO hotdash_operator;
GRANT SELECT ON agent_approvals TO hotdash_tenant;

-- For the agent platform and scheduled jobs (expiry, retention): every row.
DROP POLICY IF EXISTS agent_approvals_service ON agent_approvals;
CREATE POLICY agent_approvals_service ON agent_approvals FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For operators: the whole queue.
DROP POLICY IF EXISTS agent_approvals_operator_select ON agent_approvals;
CREATE POLICY agent_approvals_operator_select ON agent_approvals FOR SELECT TO hotdash_operator
    USING (true);

-- For operators deciding: any row, but the UPDATE grant above names the decision columns only.
DROP POLICY IF EXISTS agent_approvals_operator_update ON agent_approvals;
CREATE POLICY agent_approvals_operator_update ON agent_approvals FOR UPDATE TO hotdash_operator
    USING (true) WITH CHECK (true);

-- For an agent acting as a tenant: the approvals of its own conversation.
DROP POLICY IF EXISTS agent_approvals_tenant_select ON agent_approvals;
CREATE POLICY agent_approvals_tenant_select ON agent_approvals FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));
