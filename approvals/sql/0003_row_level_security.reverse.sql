DROP POLICY IF EXISTS agent_approvals_tenant_select ON agent_approvals;
DROP POLICY IF EXISTS agent_approvals_operator_update ON agent_approvals;
DROP POLICY IF EXISTS agent_approvals_operator_select ON agent_approvals;
DROP POLICY IF EXISTS agent_approvals_service ON agent_approvals;
REVOKE ALL ON agent_approvals FROM hotdash_service, hotdash_operator, hotdash_tenant;
ALTER TABLE agent_approvals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_approvals DISABLE ROW LEVEL SECURITY;
