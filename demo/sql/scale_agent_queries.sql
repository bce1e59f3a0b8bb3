INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms,
                           created_at, updated_at)
SELECT
    format(t.queries[g.kind], g.subject),
    jsonb_build_object('source', t.sources[g.kind], 'rows', g.result_rows, 'cache_hit', g.r_cache < 0.3),
    CASE WHEN t.agents[g.kind] = 'support' THEN 'cw-' ELSE 'occ-sess-' END || g.conversation,
    t.agents[g.kind],
    CASE WHEN g.r_judged < 0.80 THEN true WHEN g.r_judged < 0.90 THEN false END,
    g.r_edit < 0.06,
    CASE WHEN g.r_latency >= 0.03 THEN round(12 + 40 * exp(0.9 * g.z))::int END,
    g.created_at,
    g.created_at
FROM (SELECT %(queries)s::text[] AS queries, %(sources)s::text[] AS sources, %(agents)s::text[] AS agents) AS t,
     (SELECT 1 + floor(random() * %(kinds)s)::int AS kind,
             1000 + floor(random() * 9000)::int AS subject,
             floor(random() * 50)::int AS result_rows,
             random() AS r_cache,
             random() AS r_judged,
             random() AS r_edit,
             random() AS r_latency,
             sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
             1000000 + floor(random() * 9000000)::int AS conversation,
             %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
      FROM generate_series(%(first)s, %(last)s) AS i
      OFFSET 0) AS g
