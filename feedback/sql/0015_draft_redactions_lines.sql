-- feedback_redactions now holds each annotated draft's finished export lines (JSON Lines and CSV), redacted.
-- Rows stored before are emptied: they are derived data, which the redaction task makes again. Idempotent.
TRUNCATE feedback_redactions;
COMMENT ON TABLE feedback_redactions IS
    'Annotated drafts'' export lines (JSON Lines and CSV) redacted ahead of exports (valid while '
    'source_updated_at and made_with match); read and written by hotdash_service only.';
