-- Aggregates behind QA's team progress page and the agreement figures (docs/architecture.md §4, §6).
--
-- Design note. Both pages used to compute over 30 days of drafts and every overlap annotation per request
-- (seconds at 1M drafts). Triggers keep these tables in the transaction that changes a draft or adds an
-- annotation, so a reader never sees them stale and nothing has to be scheduled:
-- - annotation_work_daily: annotations per UTC day, annotator and seconds spent (a histogram: medians stay exact);
-- - annotation_quality_daily, annotation_labels_daily: drafts per UTC day of creation, by state, final verdict,
--   rubric sums, and final labels;
-- - annotation_agreement_*: Krippendorff's coincidences (ordered pairs of values two annotators gave one draft,
--   per number of annotators), per-label counts, and per annotator pair the counts Cohen's kappa needs; and
--   annotation_agreement_units, the votes each overlap draft contributes now, which a change subtracts before
--   adding the new ones (feedback/agreement.py turns the totals into the report).
-- Every delta is added with INSERT ... ON CONFLICT DO UPDATE (t.x + excluded.x), never read-modify-write, so
-- concurrent writers add up. The trigger functions are SECURITY DEFINER and belong to hotdash_service: an annotator's
-- or the platform's statement must update totals over rows its own policies hide (other annotators' votes) in
-- tables it holds no privilege on. Idempotent.

-- Who reads them -----------------------------------------------------------------------------------------------
ALTER TABLE annotation_work_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_work_daily FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_quality_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_quality_daily FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_labels_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_labels_daily FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_units ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_units FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_coincidences ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_coincidences FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_labels FORCE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_pairs ENABLE ROW LEVEL SECURITY;
ALTER TABLE annotation_agreement_pairs FORCE ROW LEVEL SECURITY;
REVOKE ALL ON annotation_work_daily, annotation_quality_daily, annotation_labels_daily, annotation_agreement_units,
    annotation_agreement_coincidences, annotation_agreement_labels, annotation_agreement_pairs FROM PUBLIC;
-- Only the triggers (as hotdash_service) write them; the service also rebuilds them (annotation_rollups_check).
GRANT SELECT, INSERT, UPDATE, DELETE ON annotation_work_daily, annotation_quality_daily, annotation_labels_daily,
    annotation_agreement_units, annotation_agreement_coincidences, annotation_agreement_labels,
    annotation_agreement_pairs TO hotdash_service;
GRANT SELECT ON annotation_work_daily TO hotdash_annotator, hotdash_qa, hotdash_supervisor;
GRANT SELECT ON annotation_quality_daily, annotation_labels_daily TO hotdash_qa, hotdash_monitoring, hotdash_supervisor;
GRANT SELECT ON annotation_agreement_coincidences, annotation_agreement_labels, annotation_agreement_pairs
    TO hotdash_qa, hotdash_supervisor;

-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_work_daily_service ON annotation_work_daily;
CREATE POLICY annotation_work_daily_service ON annotation_work_daily FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- An annotator reads their own work (their tile), as feedback_annotations shows them their own rows.
DROP POLICY IF EXISTS annotation_work_daily_own_select ON annotation_work_daily;
CREATE POLICY annotation_work_daily_own_select ON annotation_work_daily FOR SELECT TO hotdash_annotator
    USING (annotator = (SELECT NULLIF(current_setting('app.user', true), '')));
-- QA and supervisors read the team's.
DROP POLICY IF EXISTS annotation_work_daily_reviewers_select ON annotation_work_daily;
CREATE POLICY annotation_work_daily_reviewers_select ON annotation_work_daily FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);

-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_quality_daily_service ON annotation_quality_daily;
CREATE POLICY annotation_quality_daily_service ON annotation_quality_daily FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- QA, monitoring and supervisors: the readers of every draft (v_training_data_quality).
DROP POLICY IF EXISTS annotation_quality_daily_readers_select ON annotation_quality_daily;
CREATE POLICY annotation_quality_daily_readers_select ON annotation_quality_daily FOR SELECT
    TO hotdash_qa, hotdash_monitoring, hotdash_supervisor USING (true);
-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_labels_daily_service ON annotation_labels_daily;
CREATE POLICY annotation_labels_daily_service ON annotation_labels_daily FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- QA, monitoring and supervisors: the readers of every draft.
DROP POLICY IF EXISTS annotation_labels_daily_readers_select ON annotation_labels_daily;
CREATE POLICY annotation_labels_daily_readers_select ON annotation_labels_daily FOR SELECT
    TO hotdash_qa, hotdash_monitoring, hotdash_supervisor USING (true);

-- Each overlap draft's votes are everyone's annotations: the service (the triggers) alone reads them.
DROP POLICY IF EXISTS annotation_agreement_units_service ON annotation_agreement_units;
CREATE POLICY annotation_agreement_units_service ON annotation_agreement_units FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_agreement_coincidences_service ON annotation_agreement_coincidences;
CREATE POLICY annotation_agreement_coincidences_service ON annotation_agreement_coincidences FOR ALL
    TO hotdash_service USING (true) WITH CHECK (true);
-- QA and supervisors, who read every annotation (the agreement page and endpoint).
DROP POLICY IF EXISTS annotation_agreement_coincidences_reviewers_select ON annotation_agreement_coincidences;
CREATE POLICY annotation_agreement_coincidences_reviewers_select ON annotation_agreement_coincidences FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);
-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_agreement_labels_service ON annotation_agreement_labels;
CREATE POLICY annotation_agreement_labels_service ON annotation_agreement_labels FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- QA and supervisors, who read every annotation.
DROP POLICY IF EXISTS annotation_agreement_labels_reviewers_select ON annotation_agreement_labels;
CREATE POLICY annotation_agreement_labels_reviewers_select ON annotation_agreement_labels FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);
-- The service role: the triggers and rebuilds.
DROP POLICY IF EXISTS annotation_agreement_pairs_service ON annotation_agreement_pairs;
CREATE POLICY annotation_agreement_pairs_service ON annotation_agreement_pairs FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- QA and supervisors, who read every annotation.
DROP POLICY IF EXISTS annotation_agreement_pairs_reviewers_select ON annotation_agreement_pairs;
CREATE POLICY annotation_agreement_pairs_reviewers_select ON annotation_agreement_pairs FOR SELECT
    TO hotdash_qa, hotdash_supervisor USING (true);

-- Drafts: per creation day and label --------------------------------------------------------------------------

-- The statements that add the drafts of `source` (a query of rows of agent_feedback with a leading `sign`
-- column: +1 counted now, -1 no longer counted) to the per-day totals. Text, run by the caller: a trigger's
-- transition tables are visible to its own function's statements only.
CREATE OR REPLACE FUNCTION feedback_quality_statements(source text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN ARRAY[format($sql$
        INSERT INTO annotation_quality_daily AS t
            (day, drafts, final, open, adjudication, overlap, safe, unsafe, clarity_sum, clarity_count,
             accuracy_sum, accuracy_count, tone_sum, tone_count)
        SELECT (created_at AT TIME ZONE 'UTC')::date, sum(sign),
               sum(sign * (annotation_state = 'done')::int),
               sum(sign * (annotation_state = 'open')::int),
               sum(sign * (annotation_state = 'adjudication')::int),
               sum(sign * (annotations_needed > 1)::int),
               sum(sign * (annotation_state = 'done' AND safe_to_send IS TRUE)::int),
               sum(sign * (annotation_state = 'done' AND safe_to_send IS FALSE)::int),
               coalesce(sum(sign * (rubric ->> 'clarity')::numeric) FILTER (WHERE annotation_state = 'done'), 0),
               coalesce(sum(sign) FILTER (WHERE annotation_state = 'done' AND rubric ->> 'clarity' IS NOT NULL), 0),
               coalesce(sum(sign * (rubric ->> 'accuracy')::numeric) FILTER (WHERE annotation_state = 'done'), 0),
               coalesce(sum(sign) FILTER (WHERE annotation_state = 'done' AND rubric ->> 'accuracy' IS NOT NULL), 0),
               coalesce(sum(sign * (rubric ->> 'tone')::numeric) FILTER (WHERE annotation_state = 'done'), 0),
               coalesce(sum(sign) FILTER (WHERE annotation_state = 'done' AND rubric ->> 'tone' IS NOT NULL), 0)
        FROM (%s) AS r
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET
            drafts = t.drafts + excluded.drafts, final = t.final + excluded.final, open = t.open + excluded.open,
            adjudication = t.adjudication + excluded.adjudication, overlap = t.overlap + excluded.overlap,
            safe = t.safe + excluded.safe, unsafe = t.unsafe + excluded.unsafe,
            clarity_sum = t.clarity_sum + excluded.clarity_sum, clarity_count = t.clarity_count + excluded.clarity_count,
            accuracy_sum = t.accuracy_sum + excluded.accuracy_sum,
            accuracy_count = t.accuracy_count + excluded.accuracy_count,
            tone_sum = t.tone_sum + excluded.tone_sum, tone_count = t.tone_count + excluded.tone_count
    $sql$, source), format($sql$
        INSERT INTO annotation_labels_daily AS t (day, label, drafts)
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, label, sum(r.sign)
        FROM (%s) AS r CROSS JOIN LATERAL unnest(r.labels) AS label
        WHERE r.annotation_state = 'done'
        GROUP BY 1, 2 HAVING sum(r.sign) <> 0 ORDER BY 1, 2
        ON CONFLICT (day, label) DO UPDATE SET drafts = t.drafts + excluded.drafts
    $sql$, source)];
END;
$$;

CREATE OR REPLACE FUNCTION feedback_quality_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    moved bigint[];
    source text;
    statement text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        source := 'SELECT 1 AS sign, * FROM changed';
    ELSIF TG_OP = 'DELETE' THEN
        source := 'SELECT -1 AS sign, * FROM previous';
    ELSE
        -- Only the drafts whose counted columns changed (a touch of updated_at counts nothing).
        source := $src$
            WITH moved AS (
                SELECT n.id FROM changed n JOIN previous o ON o.id = n.id
                WHERE (n.created_at, n.annotation_state, n.annotations_needed, n.safe_to_send, n.labels, n.rubric)
                      IS DISTINCT FROM
                      (o.created_at, o.annotation_state, o.annotations_needed, o.safe_to_send, o.labels, o.rubric)
            )
            SELECT 1 AS sign, * FROM changed WHERE id IN (SELECT id FROM moved)
            UNION ALL
            SELECT -1 AS sign, * FROM previous WHERE id IN (SELECT id FROM moved)
        $src$;
        -- A draft moved into or out of the overlap sample: its votes count for agreement, or no longer.
        SELECT array_agg(n.id) INTO moved FROM changed n JOIN previous o ON o.id = n.id
        WHERE (n.annotations_needed >= 2) <> (o.annotations_needed >= 2);
        IF moved IS NOT NULL THEN
            PERFORM feedback_agreement_refresh(moved);
        END IF;
    END IF;
    FOREACH statement IN ARRAY feedback_quality_statements(source) LOOP
        EXECUTE statement;
    END LOOP;
    RETURN NULL;
END;
$$;

-- Annotations: per day, annotator and seconds; agreement -------------------------------------------------------

-- The signed votes of these drafts: -1 for those counted so far (annotation_agreement_units), +1 for each
-- annotator's latest annotation of those that are in the overlap sample and have two or more annotators now.
CREATE OR REPLACE FUNCTION feedback_agreement_votes(drafts bigint[])
RETURNS TABLE (sign int, feedback_id bigint, annotators int, annotator text, safe_to_send boolean, labels text[],
               clarity int, accuracy int, tone int)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT -1, u.feedback_id, jsonb_array_length(u.votes), v.annotator, v.safe_to_send, v.labels, v.clarity,
           v.accuracy, v.tone
    FROM annotation_agreement_units u
    CROSS JOIN LATERAL jsonb_to_recordset(u.votes)
        AS v(annotator text, safe_to_send boolean, labels text[], clarity int, accuracy int, tone int)
    WHERE u.feedback_id = ANY(drafts)
    UNION ALL
    SELECT 1, latest.feedback_id, latest.annotators::int, latest.annotator, latest.safe_to_send, latest.labels,
           latest.clarity, latest.accuracy, latest.tone
    FROM (
        SELECT a.*, count(*) OVER (PARTITION BY a.feedback_id) AS annotators
        FROM (
            SELECT DISTINCT ON (a.feedback_id, a.annotator) a.feedback_id, a.annotator, a.safe_to_send, a.labels,
                   (a.rubric ->> 'clarity')::int AS clarity, (a.rubric ->> 'accuracy')::int AS accuracy,
                   (a.rubric ->> 'tone')::int AS tone
            FROM feedback_annotations a JOIN agent_feedback f ON f.id = a.feedback_id AND f.annotations_needed >= 2
            WHERE a.feedback_id = ANY(drafts)
            ORDER BY a.feedback_id, a.annotator, a.id DESC
        ) AS a
    ) AS latest
    WHERE latest.annotators >= 2
$$;

-- Replaces what these drafts contribute to the agreement totals by what they contribute now. Callers lock the
-- drafts first (feedback_annotations_lock_draft): two saves on one draft must not both subtract the same votes.
CREATE OR REPLACE FUNCTION feedback_agreement_refresh(drafts bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- Coincidences: every ordered pair of two different annotators' values on one draft.
    WITH votes AS MATERIALIZED (SELECT * FROM feedback_agreement_votes(drafts))
    INSERT INTO annotation_agreement_coincidences AS t (field, annotators, value_a, value_b, pairs)
    SELECT f.field, x.annotators, f.value_a, f.value_b, sum(x.sign)
    FROM votes x
    JOIN votes y ON y.sign = x.sign AND y.feedback_id = x.feedback_id AND y.annotator <> x.annotator
    CROSS JOIN LATERAL (VALUES ('safe_to_send', x.safe_to_send::int, y.safe_to_send::int),
                               ('clarity', x.clarity, y.clarity), ('accuracy', x.accuracy, y.accuracy),
                               ('tone', x.tone, y.tone)) AS f(field, value_a, value_b)
    GROUP BY 1, 2, 3, 4 HAVING sum(x.sign) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (field, annotators, value_a, value_b) DO UPDATE SET pairs = t.pairs + excluded.pairs;

    -- Labels: per label, the drafts where `applied` of their `annotators` applied it (the drafts where none did
    -- follow from the draft counts).
    WITH votes AS MATERIALIZED (SELECT * FROM feedback_agreement_votes(drafts)),
    applied AS (
        SELECT v.sign, v.feedback_id, v.annotators, label, count(DISTINCT v.annotator) AS applied
        FROM votes v CROSS JOIN LATERAL unnest(v.labels) AS label
        GROUP BY 1, 2, 3, 4
    )
    INSERT INTO annotation_agreement_labels AS t (label, annotators, applied, drafts)
    SELECT label, annotators, applied, sum(sign) FROM applied
    GROUP BY 1, 2, 3 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (label, annotators, applied) DO UPDATE SET drafts = t.drafts + excluded.drafts;

    -- Pairs of annotators (in code-point order, as Python sorts them) on the drafts both labelled.
    WITH votes AS MATERIALIZED (SELECT * FROM feedback_agreement_votes(drafts))
    INSERT INTO annotation_agreement_pairs AS t (annotator_a, annotator_b, items, agree, safe_a, safe_b)
    SELECT x.annotator, y.annotator, sum(x.sign), sum(x.sign * (x.safe_to_send = y.safe_to_send)::int),
           sum(x.sign * x.safe_to_send::int), sum(x.sign * y.safe_to_send::int)
    FROM votes x
    JOIN votes y ON y.sign = x.sign AND y.feedback_id = x.feedback_id AND x.annotator < y.annotator COLLATE "C"
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (annotator_a, annotator_b) DO UPDATE SET
        items = t.items + excluded.items, agree = t.agree + excluded.agree,
        safe_a = t.safe_a + excluded.safe_a, safe_b = t.safe_b + excluded.safe_b;

    -- What they contribute from now on.
    DELETE FROM annotation_agreement_units WHERE feedback_id = ANY(drafts);
    INSERT INTO annotation_agreement_units (feedback_id, votes)
    SELECT v.feedback_id,
           jsonb_agg(jsonb_build_object('annotator', v.annotator, 'safe_to_send', v.safe_to_send,
                                        'labels', to_jsonb(v.labels), 'clarity', v.clarity,
                                        'accuracy', v.accuracy, 'tone', v.tone) ORDER BY v.annotator)
    FROM feedback_agreement_votes(drafts) AS v WHERE v.sign = 1
    GROUP BY v.feedback_id;
END;
$$;

-- Before an annotation of an overlap draft is stored: lock the draft (as a save's own settle step does later),
-- so a second annotator's save of the same draft waits until this one commits and then sees its votes. The lock
-- is taken before the row's foreign-key check, so the two never hold locks the other waits for.
CREATE OR REPLACE FUNCTION feedback_annotations_lock_draft() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM agent_feedback WHERE id = NEW.feedback_id AND annotations_needed >= 2 FOR NO KEY UPDATE;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION feedback_annotations_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    source text;
    drafts bigint[];
BEGIN
    source := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM changed'
        WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM previous'
        ELSE 'SELECT 1 AS sign, * FROM changed UNION ALL SELECT -1, * FROM previous'
    END;
    EXECUTE format($sql$
        INSERT INTO annotation_work_daily AS t (day, annotator, seconds_spent, annotations, unsafe)
        SELECT (created_at AT TIME ZONE 'UTC')::date, annotator, seconds_spent, sum(sign),
               sum(sign * (NOT safe_to_send)::int)
        FROM (%s) AS r
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, annotator, seconds_spent) DO UPDATE SET
            annotations = t.annotations + excluded.annotations, unsafe = t.unsafe + excluded.unsafe
    $sql$, source);
    -- The drafts whose votes may have changed: in the overlap sample now, or counted so far.
    EXECUTE format($sql$
        SELECT array_agg(DISTINCT r.feedback_id ORDER BY r.feedback_id) FROM (%s) AS r
        WHERE EXISTS (SELECT 1 FROM agent_feedback f WHERE f.id = r.feedback_id AND f.annotations_needed >= 2)
           OR EXISTS (SELECT 1 FROM annotation_agreement_units u WHERE u.feedback_id = r.feedback_id)
    $sql$, source) INTO drafts;
    IF drafts IS NOT NULL THEN
        PERFORM feedback_agreement_refresh(drafts);
    END IF;
    RETURN NULL;
END;
$$;

-- TRUNCATE fires no row or statement trigger of the kinds above: empty what the truncated table fed.
CREATE OR REPLACE FUNCTION feedback_rollups_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'agent_feedback' THEN
        DELETE FROM annotation_quality_daily;
        DELETE FROM annotation_labels_daily;
    ELSE
        DELETE FROM annotation_work_daily;
        DELETE FROM annotation_agreement_units;
        DELETE FROM annotation_agreement_coincidences;
        DELETE FROM annotation_agreement_labels;
        DELETE FROM annotation_agreement_pairs;
    END IF;
    RETURN NULL;
END;
$$;

ALTER FUNCTION feedback_quality_statements(text) OWNER TO hotdash_service;
ALTER FUNCTION feedback_quality_rollup() OWNER TO hotdash_service;
ALTER FUNCTION feedback_agreement_votes(bigint[]) OWNER TO hotdash_service;
ALTER FUNCTION feedback_agreement_refresh(bigint[]) OWNER TO hotdash_service;
ALTER FUNCTION feedback_annotations_lock_draft() OWNER TO hotdash_service;
ALTER FUNCTION feedback_annotations_rollup() OWNER TO hotdash_service;
ALTER FUNCTION feedback_rollups_truncate() OWNER TO hotdash_service;
-- The helpers run as whoever calls them: the trigger functions above (as their owner, hotdash_service) and the
-- service's own rebuild. Nobody else calls them.
REVOKE EXECUTE ON FUNCTION feedback_quality_statements(text), feedback_agreement_votes(bigint[]),
    feedback_agreement_refresh(bigint[]) FROM PUBLIC;

DROP TRIGGER IF EXISTS agent_feedback_rollup_inserted ON agent_feedback;
CREATE TRIGGER agent_feedback_rollup_inserted
    AFTER INSERT ON agent_feedback REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_quality_rollup();
DROP TRIGGER IF EXISTS agent_feedback_rollup_updated ON agent_feedback;
CREATE TRIGGER agent_feedback_rollup_updated
    AFTER UPDATE ON agent_feedback REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_quality_rollup();
DROP TRIGGER IF EXISTS agent_feedback_rollup_deleted ON agent_feedback;
CREATE TRIGGER agent_feedback_rollup_deleted
    AFTER DELETE ON agent_feedback REFERENCING OLD TABLE AS previous
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_quality_rollup();
DROP TRIGGER IF EXISTS agent_feedback_rollup_truncated ON agent_feedback;
CREATE TRIGGER agent_feedback_rollup_truncated
    AFTER TRUNCATE ON agent_feedback FOR EACH STATEMENT EXECUTE FUNCTION feedback_rollups_truncate();

DROP TRIGGER IF EXISTS feedback_annotations_lock_draft ON feedback_annotations;
CREATE TRIGGER feedback_annotations_lock_draft
    BEFORE INSERT ON feedback_annotations
    FOR EACH ROW EXECUTE FUNCTION feedback_annotations_lock_draft();
DROP TRIGGER IF EXISTS feedback_annotations_rollup_inserted ON feedback_annotations;
CREATE TRIGGER feedback_annotations_rollup_inserted
    AFTER INSERT ON feedback_annotations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_annotations_rollup();
DROP TRIGGER IF EXISTS feedback_annotations_rollup_updated ON feedback_annotations;
CREATE TRIGGER feedback_annotations_rollup_updated
    AFTER UPDATE ON feedback_annotations REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_annotations_rollup();
DROP TRIGGER IF EXISTS feedback_annotations_rollup_deleted ON feedback_annotations;
CREATE TRIGGER feedback_annotations_rollup_deleted
    AFTER DELETE ON feedback_annotations REFERENCING OLD TABLE AS previous
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_annotations_rollup();
DROP TRIGGER IF EXISTS feedback_annotations_rollup_truncated ON feedback_annotations;
CREATE TRIGGER feedback_annotations_rollup_truncated
    AFTER TRUNCATE ON feedback_annotations FOR EACH STATEMENT EXECUTE FUNCTION feedback_rollups_truncate();

-- v_training_data_quality, the same columns, now from the per-day totals (the API's training-quality rows).
CREATE OR REPLACE VIEW v_training_data_quality WITH (security_invoker = true) AS
SELECT day, drafts, final, open, adjudication, overlap, safe, unsafe,
       (clarity_sum / nullif(clarity_count, 0))::numeric(4, 2) AS clarity,
       (accuracy_sum / nullif(accuracy_count, 0))::numeric(4, 2) AS accuracy,
       (tone_sum / nullif(tone_count, 0))::numeric(4, 2) AS tone
FROM annotation_quality_daily
WHERE drafts > 0;
COMMENT ON VIEW v_training_data_quality IS 'For QA, monitoring and supervisors: drafts per day, their state and final values.';

-- What is there already, counted once, as the service (row-level security is forced on the owner too).
SET LOCAL ROLE hotdash_service;
DELETE FROM annotation_quality_daily;
DELETE FROM annotation_labels_daily;
DELETE FROM annotation_work_daily;
DELETE FROM annotation_agreement_units;
DELETE FROM annotation_agreement_coincidences;
DELETE FROM annotation_agreement_labels;
DELETE FROM annotation_agreement_pairs;
DO $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY feedback_quality_statements('SELECT 1 AS sign, * FROM agent_feedback') LOOP
        EXECUTE statement;
    END LOOP;
END
$$;
INSERT INTO annotation_work_daily (day, annotator, seconds_spent, annotations, unsafe)
SELECT (created_at AT TIME ZONE 'UTC')::date, annotator, seconds_spent, count(*), count(*) FILTER (WHERE NOT safe_to_send)
FROM feedback_annotations GROUP BY 1, 2, 3;
SELECT feedback_agreement_refresh(array_agg(id)) FROM agent_feedback WHERE annotations_needed >= 2;
RESET ROLE;
