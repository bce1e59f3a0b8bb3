DROP POLICY IF EXISTS agent_approvals_tenant_select ON agent_approvals;
CREATE POLICY agent_approvals_tenant_select ON agent_approvals FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));
