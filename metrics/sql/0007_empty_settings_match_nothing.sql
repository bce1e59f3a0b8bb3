-- A tenant setting that is unset or empty matches no row (see approvals/sql/0010). Idempotent.
-- observability_logs gets its tenant policy in 0007, with its tenant columns.
DROP POLICY IF EXISTS agent_queries_tenant_select ON agent_queries;
CREATE POLICY agent_queries_tenant_select ON agent_queries FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT NULLIF(current_setting('app.conversation_id', true), '')));

DROP POLICY IF EXISTS facts_tenant_select ON facts;
CREATE POLICY facts_tenant_select ON facts FOR SELECT TO hotdash_tenant
    USING (project = (SELECT NULLIF(current_setting('app.current_project', true), '')));
DROP POLICY IF EXISTS facts_tenant_insert ON facts;
CREATE POLICY facts_tenant_insert ON facts FOR INSERT TO hotdash_tenant
    WITH CHECK (project = (SELECT NULLIF(current_setting('app.current_project', true), '')));

DROP POLICY IF EXISTS decision_sync_event_logs_tenant_select ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_tenant_select ON decision_sync_event_logs FOR SELECT TO hotdash_tenant
    USING (scope = (SELECT NULLIF(current_setting('app.current_scope', true), '')));
DROP POLICY IF EXISTS decision_sync_event_logs_tenant_insert ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_tenant_insert ON decision_sync_event_logs FOR INSERT TO hotdash_tenant
    WITH CHECK (scope = (SELECT NULLIF(current_setting('app.current_scope', true), '')));

DROP POLICY IF EXISTS agent_run_tenant_select ON agent_run;
CREATE POLICY agent_run_tenant_select ON agent_run FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT NULLIF(current_setting('app.conversation_id', true), '')));
DROP POLICY IF EXISTS agent_qc_tenant_select ON agent_qc;
CREATE POLICY agent_qc_tenant_select ON agent_qc FOR SELECT TO hotdash_tenant
    USING (run_id IN (SELECT id FROM agent_run
                      WHERE conversation_id = (SELECT NULLIF(current_setting('app.conversation_id', true), ''))));
