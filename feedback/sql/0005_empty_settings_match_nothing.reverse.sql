DROP POLICY IF EXISTS agent_feedback_tenant_select ON agent_feedback;
CREATE POLICY agent_feedback_tenant_select ON agent_feedback FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));
