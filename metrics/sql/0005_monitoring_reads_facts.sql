-- Monitoring reads every project's facts, on the console's Facts page: it watches the whole platform, as it
-- reads every log line and every run, and is no tenant. Read only; facts stay append-only. Idempotent.
GRANT SELECT ON facts TO hotdash_monitoring;

-- For monitoring: every project's facts.
DROP POLICY IF EXISTS facts_monitoring_select ON facts;
CREATE POLICY facts_monitoring_select ON facts FOR SELECT TO hotdash_monitoring
    USING (true);
