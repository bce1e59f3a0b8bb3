-- Append-only tables (facts, decision_sync_event_logs, observability_logs) refuse UPDATE and DELETE
-- from every role but hotdash_service, whose retention and restore jobs are the one audited way out.
-- A statement-level trigger: the refusal costs nothing per row and comes before any row is touched.
CREATE OR REPLACE FUNCTION hotdash_reject_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = 'hotdash_service' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Rows of this table are immutable; only the service role''s retention and restore jobs remove them.';
END;
$$;
