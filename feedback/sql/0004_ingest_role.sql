-- The agent platform (hotdash_ingest) writes model drafts and reads them back; people annotate them. Idempotent.
-- No UPDATE: the annotation columns are out of its reach, and a draft it inserts carries no verdict yet (an
-- agent does not get to call its own draft safe to send). Nothing of the gold set.
GRANT SELECT, INSERT ON agent_feedback TO hotdash_ingest;

DROP POLICY IF EXISTS agent_feedback_ingest_select ON agent_feedback;
CREATE POLICY agent_feedback_ingest_select ON agent_feedback FOR SELECT TO hotdash_ingest
    USING (true);

DROP POLICY IF EXISTS agent_feedback_ingest_insert ON agent_feedback;
CREATE POLICY agent_feedback_ingest_insert ON agent_feedback FOR INSERT TO hotdash_ingest
    WITH CHECK (safe_to_send IS NULL AND annotator IS NULL);
