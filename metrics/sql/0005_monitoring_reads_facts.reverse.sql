DROP POLICY IF EXISTS facts_monitoring_select ON facts;
REVOKE SELECT ON facts FROM hotdash_monitoring;
