-- Tables that retention deletes from: vacuum after 1 % of their rows (plus 10,000) are dead, not PostgreSQL's
-- default 20 %. A run deletes a month of rows, often less than a fifth of the table, and until a vacuum marks
-- their space free, new rows cannot reuse it and the table grows (docs/retention.md). Idempotent.

ALTER TABLE agent_feedback SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
ALTER TABLE agent_approvals SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
ALTER TABLE approval_decisions SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
ALTER TABLE agent_queries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
ALTER TABLE observability_logs SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
ALTER TABLE decision_sync_event_logs SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10000);
