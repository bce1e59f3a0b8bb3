DROP POLICY IF EXISTS observability_logs_tenant_select ON observability_logs;
CREATE POLICY observability_logs_tenant_select ON observability_logs FOR SELECT TO hotdash_tenant
    USING (level IN ('INFO', 'WARN') OR request_id = (SELECT current_setting('app.request_id', true)));
