-- A tenant setting that is unset or empty matches no row. Idempotent.
-- A token without a conversation claim sets app.conversation_id to '' (set_config cannot unset), and
-- `conversation_id = ''` would hand it every approval stored with a blank id (seeding, COPY and restore do
-- not refuse one). NULLIF turns '' into NULL, which equals nothing; the sub-select keeps it to one
-- evaluation per statement. The same migration makes blank ids impossible (CHECK).
DROP POLICY IF EXISTS agent_approvals_tenant_select ON agent_approvals;
CREATE POLICY agent_approvals_tenant_select ON agent_approvals FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT NULLIF(current_setting('app.conversation_id', true), '')));
