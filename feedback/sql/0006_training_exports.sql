-- Row-level security on training_exports (docs/exports.md). Idempotent.
-- Who may read training data (QA, the AI read-only role, and supervisors through QA) requests exports and
-- follows them; only the service role, which runs them, changes or deletes a row.
ALTER TABLE training_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_exports FORCE ROW LEVEL SECURITY;

REVOKE ALL ON training_exports FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON training_exports TO hotdash_service;
GRANT SELECT, INSERT ON training_exports TO hotdash_qa, hotdash_ai_readonly;

-- For the worker and the export command: every row.
DROP POLICY IF EXISTS training_exports_service ON training_exports;
CREATE POLICY training_exports_service ON training_exports FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- Datasets are shared by everyone who may read training data.
DROP POLICY IF EXISTS training_exports_readers_select ON training_exports;
CREATE POLICY training_exports_readers_select ON training_exports FOR SELECT TO hotdash_qa, hotdash_ai_readonly
    USING (true);

-- A request starts queued, with no file, manifest or error: the download endpoint serves file_path, so a
-- requester must never choose it.
DROP POLICY IF EXISTS training_exports_readers_request ON training_exports;
CREATE POLICY training_exports_readers_request ON training_exports FOR INSERT TO hotdash_qa, hotdash_ai_readonly
    WITH CHECK (
        status = 'queued' AND file_path IS NULL AND error IS NULL AND manifest = '{}'::jsonb AND rows_done = 0
        AND rows_total IS NULL AND started_at IS NULL AND finished_at IS NULL AND pruned_at IS NULL
    );
