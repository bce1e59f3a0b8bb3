INSERT INTO decision_sync_event_logs (decision_id, scope, status, payload, duration_ms, created_at)
SELECT
    -- about three events per decision
    'dec_' || substr(md5(%(salt)s || ':' || (g.i / 3)), 1, 16),
    CASE WHEN g.r_scope < 0.30 THEN 'ops' WHEN g.r_scope < 0.55 THEN 'cx' WHEN g.r_scope < 0.75 THEN 'analytics'
         ELSE 'shop-' || lpad(g.shop::text, 3, '0') END,
    g.status,
    jsonb_build_object('action', t.actions[g.kind], 'target', t.targets[g.kind],
                       'attempt', CASE WHEN g.status IN ('failed', 'retried') THEN 2 ELSE 1 END),
    CASE g.status WHEN 'queued' THEN 1 + floor(g.r_duration * 10)::int
                  WHEN 'failed' THEN 5000 + floor(g.r_duration * 50)::int
                  ELSE round(20 + 60 * exp(g.z))::int END,
    g.created_at
FROM (SELECT %(actions)s::text[] AS actions, %(targets)s::text[] AS targets) AS t,
     (SELECT *, CASE WHEN r_status < 0.88 THEN 'synced' WHEN r_status < 0.93 THEN 'failed'
                     WHEN r_status < 0.97 THEN 'retried' ELSE 'queued' END AS status
      FROM (SELECT i,
                   random() AS r_scope,
                   1 + floor(random() * 40)::int AS shop,
                   random() AS r_status,
                   1 + floor(random() * %(kinds)s)::int AS kind,
                   random() AS r_duration,
                   sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
                   %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
            FROM generate_series(%(first)s, %(last)s) AS i
            OFFSET 0) AS draws) AS g
