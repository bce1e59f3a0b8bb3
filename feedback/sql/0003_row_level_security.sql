-- Row-level security on the feedback tables (DESIGN.md §5). Idempotent.
-- Privileges say which commands a role may run at all (a refusal is an error, never a silent 0 rows);
-- policies say which rows. Nobody but the service role deletes: retention runs as the service.

-- agent_feedback -------------------------------------------------------------------------------------
ALTER TABLE agent_feedback ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_feedback FORCE ROW LEVEL SECURITY;

REVOKE ALL ON agent_feedback FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_feedback TO hotdash_service;
GRANT SELECT, UPDATE (safe_to_send, labels, rubric, annotator, notes) ON agent_feedback TO hotdash_annotator;
GRANT SELECT ON agent_feedback TO hotdash_qa, hotdash_tenant;

-- For the agent platform (writes drafts) and scheduled jobs (retention, export): every row.
DROP POLICY IF EXISTS agent_feedback_service ON agent_feedback;
CREATE POLICY agent_feedback_service ON agent_feedback FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For annotators and QA: every draft, to label and to review.
DROP POLICY IF EXISTS agent_feedback_reviewers_select ON agent_feedback;
CREATE POLICY agent_feedback_reviewers_select ON agent_feedback FOR SELECT TO hotdash_annotator, hotdash_qa
    USING (true);

-- For annotators labelling: any draft, but the UPDATE grant above names the annotation columns only.
DROP POLICY IF EXISTS agent_feedback_annotator_update ON agent_feedback;
CREATE POLICY agent_feedback_annotator_update ON agent_feedback FOR UPDATE TO hotdash_annotator
    USING (true) WITH CHECK (true);

-- For an agent acting as a tenant: the drafts of its own conversation.
DROP POLICY IF EXISTS agent_feedback_tenant_select ON agent_feedback;
CREATE POLICY agent_feedback_tenant_select ON agent_feedback FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));

-- support_curated_replies (the gold set) -------------------------------------------------------------
-- Curated across tenants for evaluation, so no tenant reads it.
ALTER TABLE support_curated_replies ENABLE ROW LEVEL SECURITY;
ALTER TABLE support_curated_replies FORCE ROW LEVEL SECURITY;

REVOKE ALL ON support_curated_replies FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_curated_replies TO hotdash_service;
GRANT SELECT, INSERT ON support_curated_replies TO hotdash_annotator;
GRANT SELECT ON support_curated_replies TO hotdash_qa;

-- For the platform, exports and backups: every row.
DROP POLICY IF EXISTS support_curated_replies_service ON support_curated_replies;
CREATE POLICY support_curated_replies_service ON support_curated_replies FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For annotators (who promote good replies) and QA (who review them): the whole gold set.
DROP POLICY IF EXISTS support_curated_replies_reviewers_select ON support_curated_replies;
CREATE POLICY support_curated_replies_reviewers_select ON support_curated_replies FOR SELECT
    TO hotdash_annotator, hotdash_qa
    USING (true);

-- For annotators promoting a reply: insert only, a promoted reply is not edited in place.
DROP POLICY IF EXISTS support_curated_replies_annotator_insert ON support_curated_replies;
CREATE POLICY support_curated_replies_annotator_insert ON support_curated_replies FOR INSERT TO hotdash_annotator
    WITH CHECK (true);
