INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send, labels, rubric, annotator,
                            notes, meta, created_at, updated_at, annotation_state, annotations_needed)
SELECT
    'cw-' || g.conversation,
    t.inputs[g.kind],
    t.drafts[g.kind],
    g.verdict,
    CASE WHEN g.verdict THEN t.safe_labels[g.label]::text[]
         WHEN NOT g.verdict THEN t.unsafe_labels[1 + mod(g.label, 2)]::text[]
         ELSE '{}'::text[] END,
    CASE WHEN g.verdict IS NULL THEN '{}'::jsonb
         ELSE jsonb_build_object(
             'clarity', 2 + floor(g.r_clarity * 4)::int,
             'accuracy', CASE WHEN g.verdict THEN 3 + floor(g.r_accuracy * 3)::int
                              ELSE 1 + floor(g.r_accuracy * 2)::int END,
             'tone', 3 + floor(g.r_tone * 3)::int) END,
    CASE WHEN g.verdict IS NOT NULL THEN t.annotators[g.annotator] END,
    CASE WHEN g.verdict IS NOT NULL AND g.r_notes < 0.25 THEN t.notes[g.note] END,
    jsonb_build_object('source', 'chatwoot', 'agent', 'support-agent', 'model', t.models[g.model]),
    g.created_at,
    CASE WHEN g.verdict IS NULL THEN g.created_at ELSE g.created_at + g.r_review * interval '2 hours' END,
    CASE WHEN g.verdict IS NULL THEN 'open' ELSE 'done' END,
    -- Annotated drafts had one annotator; open ones get the overlap's draw (0: the trigger decides).
    CASE WHEN g.verdict IS NULL THEN 0 ELSE 1 END
FROM (SELECT %(inputs)s::text[] AS inputs, %(drafts)s::text[] AS drafts, %(safe_labels)s::text[] AS safe_labels,
             %(unsafe_labels)s::text[] AS unsafe_labels, %(annotators)s::text[] AS annotators,
             %(notes)s::text[] AS notes, %(models)s::text[] AS models) AS t,
     (SELECT *, CASE WHEN r_verdict < 0.55 THEN true WHEN r_verdict < 0.65 THEN false END AS verdict
      FROM (SELECT 1 + floor(random() * %(kinds)s)::int AS kind,
                   1000000 + floor(random() * 9000000)::int AS conversation,
                   random() AS r_verdict,
                   1 + floor(random() * %(n_safe_labels)s)::int AS label,
                   random() AS r_clarity,
                   random() AS r_accuracy,
                   random() AS r_tone,
                   1 + floor(random() * %(n_annotators)s)::int AS annotator,
                   random() AS r_notes,
                   1 + floor(random() * %(n_notes)s)::int AS note,
                   1 + floor(random() * %(n_models)s)::int AS model,
                   random() AS r_review,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
