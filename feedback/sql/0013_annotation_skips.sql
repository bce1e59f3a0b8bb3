-- annotation_skips: the drafts an annotator skipped, which "next" moves past for them (docs/architecture.md §4,
-- §5). An annotator skips, reads and clears their own; the service (retention) all. Idempotent.
ALTER TABLE annotation_skips ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_skips FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_skips FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_skips TO hotdash_service, hotdash_annotator;
-- The service role: retention and cleanup.
DROP POLICY IF EXISTS annotation_skips_service ON annotation_skips;
CREATE POLICY annotation_skips_service ON annotation_skips FOR ALL TO hotdash_service USING (true) WITH CHECK (true);
-- An annotator: their own skips only, in their own name.
DROP POLICY IF EXISTS annotation_skips_own ON annotation_skips;
CREATE POLICY annotation_skips_own ON annotation_skips FOR ALL TO hotdash_annotator
    USING (annotator = (SELECT NULLIF(current_setting('app.user', true), '')))
    WITH CHECK (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));
