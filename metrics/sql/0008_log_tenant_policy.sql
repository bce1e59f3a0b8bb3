-- A tenant reads the log lines of its own project or scope, nothing else. Idempotent.
-- The policy this replaces let a tenant read every tenant's INFO and WARN lines, and any line whose request_id
-- equalled app.request_id, which came from the caller's X-Request-ID header: whoever learnt another tenant's
-- request id read its ERROR lines. app.request_id is now the console's own id and no policy reads it; a line
-- with neither project nor scope is visible only to the roles that read every tenant (monitoring, the service,
-- the platform). An empty setting matches nothing (NULLIF), as in every other policy.
DROP POLICY IF EXISTS observability_logs_tenant_select ON observability_logs;
CREATE POLICY observability_logs_tenant_select ON observability_logs FOR SELECT TO hotdash_tenant
    USING (project = (SELECT NULLIF(current_setting('app.current_project', true), ''))
           OR scope = (SELECT NULLIF(current_setting('app.current_scope', true), '')));
