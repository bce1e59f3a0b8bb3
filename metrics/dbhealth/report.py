"""The report's shape: findings rated ok / warning / critical, grouped in sections; its JSON, Markdown and exit status.

The JSON form is a contract (docs/dbhealth.md, pinned by tests/metrics/test_dbhealth.py): CI jobs and the
stored reports read it, so keys are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"


# Exit status of `manage.py dbhealth` for each level reached (a bad argument exits with BAD_ARGUMENTS).
EXIT_STATUS = {Level.OK: 0, Level.WARNING: 1, Level.CRITICAL: 2}
BAD_ARGUMENTS = 3


@dataclass(frozen=True)
class Finding:
    check: str
    level: Level
    object: str
    detail: str
    remediation: str = ""

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "level": str(self.level),
            "object": self.object,
            "detail": self.detail,
            "remediation": self.remediation,
        }


@dataclass
class Section:
    name: str
    title: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, check: str, level: Level, obj: str, detail: str, remediation: str = "") -> None:
        self.findings.append(Finding(check, level, obj, detail, remediation))


@dataclass
class Report:
    generated_at: datetime
    database: str
    sections: list[Section]

    def findings(self) -> list[tuple[str, Finding]]:
        return [(section.name, finding) for section in self.sections for finding in section.findings]

    def summary(self) -> dict[str, int]:
        counts = {str(level): 0 for level in Level}
        for _, finding in self.findings():
            counts[str(finding.level)] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "generated_at": self.generated_at.isoformat(),
            "database": self.database,
            "summary": self.summary(),
            "sections": [
                {"name": section.name, "findings": [finding.as_dict() for finding in section.findings]}
                for section in self.sections
            ],
        }


def worst_level(summary: dict[str, int]) -> Level:
    if summary.get(Level.CRITICAL, 0):
        return Level.CRITICAL
    if summary.get(Level.WARNING, 0):
        return Level.WARNING
    return Level.OK


def exit_status(summary: dict[str, int], fail_on: Level) -> int:
    """0 when nothing reaches `fail_on`; otherwise 1 for warnings, 2 for criticals."""
    worst = worst_level(summary)
    reached = worst == Level.CRITICAL or (worst == Level.WARNING and fail_on == Level.WARNING)
    return EXIT_STATUS[worst] if reached else 0


_MARK = {Level.OK: "ok", Level.WARNING: "**WARNING**", Level.CRITICAL: "**CRITICAL**"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: dict, titles: dict[str, str]) -> str:
    """The report as the production team wrote theirs: a summary, then one section each, problems first."""
    summary = report["summary"]
    lines = [
        "# Database Health & Optimization Report",
        "",
        f"Database `{report['database']}`, generated {report['generated_at']}.",
        "",
        "## Summary",
        "",
        "| section | ok | warning | critical |",
        "|---|---:|---:|---:|",
    ]
    for section in report["sections"]:
        counts = {level: 0 for level in Level}
        for finding in section["findings"]:
            counts[Level(finding["level"])] += 1
        lines.append(
            f"| {titles.get(section['name'], section['name'])} | {counts[Level.OK]} | {counts[Level.WARNING]}"
            f" | {counts[Level.CRITICAL]} |"
        )
    lines.append(f"| **total** | {summary['ok']} | {summary['warning']} | {summary['critical']} |")
    order = {Level.CRITICAL: 0, Level.WARNING: 1, Level.OK: 2}
    for number, section in enumerate(report["sections"], start=1):
        lines += ["", f"## {number}. {titles.get(section['name'], section['name'])}", ""]
        if not section["findings"]:
            lines.append("Nothing to report.")
            continue
        lines += ["| level | check | object | detail | remediation |", "|---|---|---|---|---|"]
        for finding in sorted(section["findings"], key=lambda f: order[Level(f["level"])]):
            lines.append(
                f"| {_MARK[Level(finding['level'])]} | {finding['check']} | {_cell(finding['object'])}"
                f" | {_cell(finding['detail'])} | {_cell(finding['remediation'])} |"
            )
    return "\n".join(lines) + "\n"
