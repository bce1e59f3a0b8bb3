-- Emptied before the text columns come back: they have no value to give stored rows. Idempotent.
TRUNCATE feedback_redactions;
COMMENT ON TABLE feedback_redactions IS
    'Annotated drafts'' free text redacted ahead of exports (valid while source_updated_at and redactor match); '
    'read and written by hotdash_service only.';
