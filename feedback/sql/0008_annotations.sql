-- The annotator's workbench: one row per annotation, QA's reviews, leases, rework, the label vocabulary and
-- the overlap setting (docs/architecture.md §4, §5). Idempotent.
-- `app.user` is the console user the transaction acts for (hotdash.db_context); an unset or empty one matches
-- no row, as the tenant settings do.

-- Overlap: a draft inserted without annotations_needed (0) is drawn into the overlap sample or not, for every
-- writer (the API, seeding, COPY).
CREATE OR REPLACE FUNCTION feedback_draw_annotations_needed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    overlap record;
BEGIN
    IF NEW.annotations_needed = 0 THEN
        SELECT share, annotators INTO overlap FROM annotation_overlap WHERE id = 1;
        NEW.annotations_needed := CASE WHEN FOUND AND random() < overlap.share THEN overlap.annotators ELSE 1 END;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS agent_feedback_draw_annotations_needed ON agent_feedback;
CREATE TRIGGER agent_feedback_draw_annotations_needed
    BEFORE INSERT ON agent_feedback
    FOR EACH ROW EXECUTE FUNCTION feedback_draw_annotations_needed();

-- Drafts annotated before this migration are final. As the service role: RLS is forced on the owner too.
SET LOCAL ROLE hotdash_service;
UPDATE agent_feedback SET annotation_state = 'done' WHERE annotator IS NOT NULL AND annotation_state = 'open';
RESET ROLE;

-- agent_feedback: QA (and supervisors) adjudicate, writing the final values and the state.
GRANT UPDATE (safe_to_send, labels, rubric, annotator, notes, annotation_state) ON agent_feedback
    TO hotdash_qa, hotdash_supervisor;
DROP POLICY IF EXISTS agent_feedback_qa_update ON agent_feedback;
CREATE POLICY agent_feedback_qa_update ON agent_feedback FOR UPDATE TO hotdash_qa, hotdash_supervisor
    USING (true) WITH CHECK (true);
-- Monitoring reads the drafts and their final values (the training data's quality), across conversations.
GRANT SELECT ON agent_feedback TO hotdash_monitoring;
DROP POLICY IF EXISTS agent_feedback_monitoring_select ON agent_feedback;
CREATE POLICY agent_feedback_monitoring_select ON agent_feedback FOR SELECT TO hotdash_monitoring USING (true);
-- The platform's new drafts are open, and say nothing of their annotators.
DROP POLICY IF EXISTS agent_feedback_ingest_insert ON agent_feedback;
CREATE POLICY agent_feedback_ingest_insert ON agent_feedback FOR INSERT TO hotdash_ingest
    WITH CHECK (safe_to_send IS NULL AND annotator IS NULL AND annotation_state = 'open');

-- feedback_annotations: an annotator inserts and reads their own; QA and supervisors read all; append-only
-- for everyone but the service role's retention.
ALTER TABLE feedback_annotations ENABLE ROW LEVEL SECURITY;
ALTER TABLE feedback_annotations FORCE ROW LEVEL SECURITY;
REVOKE ALL ON feedback_annotations FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON feedback_annotations TO hotdash_service;
GRANT SELECT, INSERT ON feedback_annotations TO hotdash_annotator;
GRANT SELECT ON feedback_annotations TO hotdash_qa, hotdash_supervisor;
DROP POLICY IF EXISTS feedback_annotations_service ON feedback_annotations;
CREATE POLICY feedback_annotations_service ON feedback_annotations FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS feedback_annotations_own_select ON feedback_annotations;
CREATE POLICY feedback_annotations_own_select ON feedback_annotations FOR SELECT TO hotdash_annotator
    USING (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP POLICY IF EXISTS feedback_annotations_own_insert ON feedback_annotations;
CREATE POLICY feedback_annotations_own_insert ON feedback_annotations FOR INSERT TO hotdash_annotator
    WITH CHECK (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP POLICY IF EXISTS feedback_annotations_reviewers_select ON feedback_annotations;
CREATE POLICY feedback_annotations_reviewers_select ON feedback_annotations FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);
DROP TRIGGER IF EXISTS feedback_annotations_append_only ON feedback_annotations;
CREATE TRIGGER feedback_annotations_append_only
    BEFORE UPDATE OR DELETE ON feedback_annotations
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

-- annotation_reviews: QA's audit trail. QA and supervisors write their own and read all; an annotator reads
-- the reviews of their own work; append-only.
ALTER TABLE annotation_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_reviews FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_reviews FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_reviews TO hotdash_service;
GRANT SELECT, INSERT ON annotation_reviews TO hotdash_qa, hotdash_supervisor;
GRANT SELECT ON annotation_reviews TO hotdash_annotator;
DROP POLICY IF EXISTS annotation_reviews_service ON annotation_reviews;
CREATE POLICY annotation_reviews_service ON annotation_reviews FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS annotation_reviews_reviewers_select ON annotation_reviews;
CREATE POLICY annotation_reviews_reviewers_select ON annotation_reviews FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);
DROP POLICY IF EXISTS annotation_reviews_reviewer_insert ON annotation_reviews;
CREATE POLICY annotation_reviews_reviewer_insert ON annotation_reviews FOR INSERT
    TO hotdash_qa, hotdash_supervisor
    WITH CHECK (reviewer = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP POLICY IF EXISTS annotation_reviews_annotator_select ON annotation_reviews;
CREATE POLICY annotation_reviews_annotator_select ON annotation_reviews FOR SELECT TO hotdash_annotator
    USING (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP TRIGGER IF EXISTS annotation_reviews_append_only ON annotation_reviews;
CREATE TRIGGER annotation_reviews_append_only
    BEFORE UPDATE OR DELETE ON annotation_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

-- annotation_leases: every annotator sees every lease (to skip what others hold); they take a lease in their
-- own name, over their own or an expired one, and release only their own.
ALTER TABLE annotation_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_leases FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_leases FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_leases TO hotdash_service, hotdash_annotator;
DROP POLICY IF EXISTS annotation_leases_service ON annotation_leases;
CREATE POLICY annotation_leases_service ON annotation_leases FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS annotation_leases_annotator_select ON annotation_leases;
CREATE POLICY annotation_leases_annotator_select ON annotation_leases FOR SELECT TO hotdash_annotator
    USING (true);
DROP POLICY IF EXISTS annotation_leases_annotator_insert ON annotation_leases;
CREATE POLICY annotation_leases_annotator_insert ON annotation_leases FOR INSERT TO hotdash_annotator
    WITH CHECK (holder = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP POLICY IF EXISTS annotation_leases_annotator_update ON annotation_leases;
CREATE POLICY annotation_leases_annotator_update ON annotation_leases FOR UPDATE TO hotdash_annotator
    USING (holder = (SELECT NULLIF(current_setting('app.user', true), '')) OR expires_at <= clock_timestamp())
    WITH CHECK (holder = (SELECT NULLIF(current_setting('app.user', true), '')));
DROP POLICY IF EXISTS annotation_leases_annotator_delete ON annotation_leases;
CREATE POLICY annotation_leases_annotator_delete ON annotation_leases FOR DELETE TO hotdash_annotator
    USING (holder = (SELECT NULLIF(current_setting('app.user', true), '')));

-- annotation_rework: QA sends a draft back to an annotator, who reads and clears their own.
ALTER TABLE annotation_rework ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_rework FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_rework FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_rework TO hotdash_service;
GRANT SELECT, INSERT, UPDATE ON annotation_rework TO hotdash_qa, hotdash_supervisor;
GRANT SELECT, DELETE ON annotation_rework TO hotdash_annotator;
DROP POLICY IF EXISTS annotation_rework_service ON annotation_rework;
CREATE POLICY annotation_rework_service ON annotation_rework FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS annotation_rework_reviewers ON annotation_rework;
CREATE POLICY annotation_rework_reviewers ON annotation_rework FOR ALL TO hotdash_qa, hotdash_supervisor
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS annotation_rework_own ON annotation_rework;
CREATE POLICY annotation_rework_own ON annotation_rework FOR ALL TO hotdash_annotator
    USING (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));

-- annotation_labels: the vocabulary; annotators and QA read it, supervisors keep it.
ALTER TABLE annotation_labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_labels FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_labels FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_labels TO hotdash_service;
GRANT SELECT, INSERT, UPDATE ON annotation_labels TO hotdash_supervisor;
GRANT SELECT ON annotation_labels TO hotdash_annotator, hotdash_qa;
DROP POLICY IF EXISTS annotation_labels_read ON annotation_labels;
CREATE POLICY annotation_labels_read ON annotation_labels FOR SELECT
    TO hotdash_annotator, hotdash_qa USING (true);
DROP POLICY IF EXISTS annotation_labels_keepers ON annotation_labels;
CREATE POLICY annotation_labels_keepers ON annotation_labels FOR ALL TO hotdash_service, hotdash_supervisor
    USING (true) WITH CHECK (true);

-- annotation_overlap: read by the writers of drafts (the trigger above runs as them), kept by supervisors.
ALTER TABLE annotation_overlap ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_overlap FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_overlap FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_overlap TO hotdash_service;
GRANT SELECT, UPDATE ON annotation_overlap TO hotdash_supervisor;
GRANT SELECT ON annotation_overlap TO hotdash_ingest;
DROP POLICY IF EXISTS annotation_overlap_read ON annotation_overlap;
CREATE POLICY annotation_overlap_read ON annotation_overlap FOR SELECT TO hotdash_ingest USING (true);
DROP POLICY IF EXISTS annotation_overlap_keepers ON annotation_overlap;
CREATE POLICY annotation_overlap_keepers ON annotation_overlap FOR ALL TO hotdash_service, hotdash_supervisor
    USING (true) WITH CHECK (true);
DROP TRIGGER IF EXISTS annotation_overlap_touch_updated_at ON annotation_overlap;
CREATE TRIGGER annotation_overlap_touch_updated_at
    BEFORE UPDATE ON annotation_overlap
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();
