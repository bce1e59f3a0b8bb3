-- feedback_redactions: each annotated draft's free text redacted ahead of any export (docs/exports.md,
-- Performance). Only the service role writes and reads it: the redaction task fills it, an export copies it.
-- The rows go with their draft for every writer (retention, purges, the admin): ON DELETE CASCADE here, since
-- the roles that delete drafts cannot read this table. Idempotent.
ALTER TABLE feedback_redactions DROP CONSTRAINT IF EXISTS feedback_redactions_feedback_fk;
ALTER TABLE feedback_redactions ADD CONSTRAINT feedback_redactions_feedback_fk
    FOREIGN KEY (feedback_id) REFERENCES agent_feedback (id) ON DELETE CASCADE;
ALTER TABLE feedback_redactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE feedback_redactions FORCE ROW LEVEL SECURITY;
REVOKE ALL ON feedback_redactions FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON feedback_redactions TO hotdash_service;
-- The service role: the redaction task and exports.
DROP POLICY IF EXISTS feedback_redactions_service ON feedback_redactions;
CREATE POLICY feedback_redactions_service ON feedback_redactions FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
COMMENT ON TABLE feedback_redactions IS
    'Annotated drafts'' free text redacted ahead of exports (valid while source_updated_at and redactor match); '
    'read and written by hotdash_service only.';
