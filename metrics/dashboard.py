"""The operator dashboard on the admin's home page: its tiles' data and their charts, drawn as SVG on the server.

No chart library and no CDN: each chart is a few SVG elements built here (text escaped by format_html), so the
page renders the same without internet. A tile is shown when the viewer's database role may read what it reads.
"""

from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from hotdash.admin import table_privileges
from metrics.selectors import metrics_freshness

WIDTH, HEIGHT = 360, 120
HEALTH_COLOURS = {"healthy": "#2e7d32", "warning": "#ef6c00", "degraded": "#c62828"}
SERIES_COLOURS = ["#1565c0", "#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4e342e"]


def _rows(sql: str, params=None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def bar_chart_svg(bars: list[tuple[str, float]], label: str) -> SafeString:
    """Vertical bars, one per (title, value), scaled to the largest; each bar's <title> is its tooltip."""
    top = float(max([value for _, value in bars] or [0]) or 1)
    step = WIDTH / max(len(bars), 1)
    rects = format_html_join(
        "",
        # format_html escapes every argument into text: numbers are formatted before they go in.
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#1565c0"><title>{}: {}</title></rect>',
        (
            (f"{i * step + 1:.1f}", f"{HEIGHT - HEIGHT * float(value) / top:.1f}", f"{max(step - 2, 1):.1f}",
             f"{HEIGHT * float(value) / top:.1f}", title, value)
            for i, (title, value) in enumerate(bars)
        ),
    )
    return format_html(
        '<svg class="metrics-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}">{}</svg>',
        label, WIDTH, HEIGHT, WIDTH, HEIGHT, rects,
    )


def line_chart_svg(series: dict[str, list[float | None]], label: str, top: float) -> SafeString:
    """One polyline per named series over the same x steps, scaled to `top`; a legend under the chart."""
    steps = max([len(values) for values in series.values()] or [1])
    dx = WIDTH / max(steps - 1, 1)
    lines, legend = [], []
    for i, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        points = " ".join(
            f"{x * dx:.1f},{HEIGHT - HEIGHT * float(v) / top:.1f}" for x, v in enumerate(values) if v is not None
        )
        lines.append(format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"><title>{}</title></polyline>',
            points, colour, name,
        ))
        legend.append(format_html('<span style="color:{}">■ {}</span>', colour, name))
    return format_html(
        '<svg class="metrics-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}">{}</svg>'
        '<div class="metrics-legend">{}</div>',
        # Each line and legend entry was built by format_html above: joining them keeps them escaped.
        label, WIDTH, HEIGHT, WIDTH, HEIGHT, mark_safe("".join(lines)), mark_safe(" ".join(legend)),
    )


def _list_url(model: str) -> str:
    return reverse(f"admin:metrics_{model}_changelist")


def dashboard_tiles(request) -> list[dict]:
    """The tiles the viewer's role may read, each {title, link, body (safe HTML)}; empty for everyone else."""
    tiles = []
    if table_privileges(request, "mv_approval_queue_depth")["view"]:
        depth = _rows(
            "SELECT hour, total, pending FROM mv_approval_queue_depth"
            " WHERE hour >= date_trunc('hour', now(), 'UTC') - interval '24 hours' ORDER BY hour"
        )
        tiles.append({
            "title": "Approval queue depth, last 24 hours",
            "link": _list_url("approvalqueuedepth"),
            "body": bar_chart_svg([(f"{r['hour']:%H:00}", r["total"]) for r in depth], "approvals created per hour"),
        })
        status = {r["status"]: r for r in _rows("SELECT status, approvals, sla_breaches FROM mv_approval_queue_status")}
        pending = status.get("pending", {"approvals": 0, "sla_breaches": 0})
        tiles.append({
            "title": "SLA breaches now",
            "link": _list_url("approvalqueuestatus"),
            "body": format_html(
                '<p class="metrics-big{}">{}</p><p>of {} pending approvals wait longer than 5 minutes</p>',
                " metrics-bad" if pending["sla_breaches"] else "", pending["sla_breaches"], pending["approvals"],
            ),
        })
    if table_privileges(request, "mv_agent_performance_realtime")["view"]:
        tiles.extend(_agent_tiles())
    if table_privileges(request, "mv_data_quality_report")["view"]:
        violated = _rows(
            "SELECT rule, severity, violations FROM mv_data_quality_report WHERE violations > 0"
            " ORDER BY severity, rule"
        )
        tiles.append({
            "title": "Data-quality violations",
            "link": _list_url("dataqualityrule"),
            "body": format_html_join(
                "", '<p class="metrics-{}">{}: {}</p>', ((r["severity"], r["rule"], r["violations"]) for r in violated)
            ) or format_html("<p>{}</p>", "No rule is violated."),
        })
    if table_privileges(request, "metrics_refreshes")["view"]:
        tiles.append({
            "title": "Freshness",
            "link": _list_url("metricsrefresh"),
            "body": format_html_join(
                "", "<p>{}: {}</p>",
                (
                    (f["view"], "never refreshed" if f["refreshed_at"] is None
                     else f"{f['age_seconds']} s ago, in {f['duration_ms']} ms")
                    for f in metrics_freshness()
                ),
            ),
        })
    return tiles


def _agent_tiles() -> list[dict]:
    snapshot = _rows("SELECT * FROM mv_agent_performance_realtime ORDER BY agent")
    since = timezone.now().date() - timedelta(days=6)
    days = _rows(
        "SELECT agent, day, quality_score, p50_latency_ms, p95_latency_ms, p99_latency_ms FROM mv_daily_agent_metrics"
        " WHERE day >= %s ORDER BY day, agent",
        [since],
    )
    dates = [since + timedelta(days=n) for n in range(7)]
    scores = {}
    for row in days:
        scores.setdefault(row["agent"], dict.fromkeys(dates))[row["day"]] = row["quality_score"]
    latest = {row["agent"]: row for row in days}  # the most recent day of each agent
    return [
        {
            "title": "Agent performance now",
            "link": _list_url("agentperformancesnapshot"),
            "body": format_html_join(
                "",
                '<p><span class="metrics-health" style="background:{}">{}</span> {}: {} queries in 24 h, {}% approved,'
                " p95 {} ms</p>",
                (
                    (HEALTH_COLOURS[r["health"]], r["health"], r["agent"], r["queries_last_24h"],
                     r["approval_rate_pct"] if r["approval_rate_pct"] is not None else "–", r["p95_latency_ms"] or "–")
                    for r in snapshot
                ),
            ) or format_html("<p>{}</p>", "No agent answered in the last 24 hours."),
        },
        {
            "title": "Quality score per agent, 7 days",
            "link": reverse("admin:metrics_agent_accuracy"),
            "body": line_chart_svg(
                {agent: list(by_day.values()) for agent, by_day in scores.items()}, "quality score per day", 100
            ),
        },
        {
            "title": "Latency percentiles (latest day)",
            "link": reverse("admin:metrics_agent_accuracy"),
            "body": bar_chart_svg(
                [(f"{agent} p{p}", row[f"p{p}_latency_ms"] or 0) for agent, row in latest.items() for p in (50, 95, 99)],
                "latency p50, p95, p99 per agent (ms)",
            ),
        },
    ]
