INSERT INTO observability_logs (level, message, request_id, metadata, created_at)
SELECT
    t.levels[g.level],
    format(t.messages[(g.level - 1) * %(per_level)s + g.kind], g.number),
    CASE WHEN g.r_request < 0.9 THEN 'req_' || substr(md5(%(salt)s || ':' || g.i), 1, 20) END,
    jsonb_build_object('function', t.functions[g.fn],
                       'project', CASE WHEN g.r_project < 0.5 THEN 'occ' ELSE 'chatwoot' END,
                       'duration_ms', floor(g.r_duration * 900)::int),
    g.created_at
FROM (SELECT %(levels)s::text[] AS levels, %(messages)s::text[] AS messages, %(functions)s::text[] AS functions) AS t,
     (SELECT *, CASE WHEN r_level < 0.20 THEN 1 WHEN r_level < 0.80 THEN 2 WHEN r_level < 0.92 THEN 3
                     WHEN r_level < 0.995 THEN 4 ELSE 5 END AS level
      FROM (SELECT i,
                   random() AS r_level,
                   1 + floor(random() * %(per_level)s)::int AS kind,
                   floor(random() * 5000)::int AS number,
                   random() AS r_request,
                   1 + floor(random() * %(n_functions)s)::int AS fn,
                   random() AS r_project,
                   random() AS r_duration,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
