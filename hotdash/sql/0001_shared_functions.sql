-- Trigger functions shared by every app's tables.

-- updated_at is kept by the database, so writers that bypass the ORM (COPY, psql, other services) keep it true.
-- clock_timestamp(), not now(): several updates in one transaction each get their own time.
CREATE OR REPLACE FUNCTION hotdash_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$;

-- Append-only tables (facts, decision_sync_event_logs, observability_logs) refuse UPDATE and DELETE.
-- A statement-level trigger: the refusal costs nothing per row and comes before any row is touched.
CREATE OR REPLACE FUNCTION hotdash_reject_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Rows of this table are immutable; retention removes them through its own audited path.';
END;
$$;
