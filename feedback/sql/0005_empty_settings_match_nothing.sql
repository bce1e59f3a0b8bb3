-- A tenant setting that is unset or empty matches no row (see approvals/sql/0010). Idempotent.
DROP POLICY IF EXISTS agent_feedback_tenant_select ON agent_feedback;
CREATE POLICY agent_feedback_tenant_select ON agent_feedback FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT NULLIF(current_setting('app.conversation_id', true), '')));
