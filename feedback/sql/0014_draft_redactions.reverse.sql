DROP POLICY IF EXISTS feedback_redactions_service ON feedback_redactions;
ALTER TABLE feedback_redactions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE feedback_redactions DISABLE ROW LEVEL SECURITY;
ALTER TABLE feedback_redactions DROP CONSTRAINT IF EXISTS feedback_redactions_feedback_fk;
