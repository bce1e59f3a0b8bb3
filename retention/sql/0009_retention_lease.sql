-- The retention lease (one row): row-level security like every table. Idempotent.
-- Only the service role takes, renews and frees it (retention runs, purges, restores). Internal: no admin page, so
-- no console role reads it (tests/hotdash/test_groups.py: a readable table is one with a page).

ALTER TABLE retention_lease ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_lease FORCE ROW LEVEL SECURITY;
REVOKE ALL ON retention_lease FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON retention_lease TO hotdash_service;

-- For the service role, which runs retention, purges and restores.
DROP POLICY IF EXISTS retention_lease_service ON retention_lease;
CREATE POLICY retention_lease_service ON retention_lease FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
