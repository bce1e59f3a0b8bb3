"""What an export asks for, checked once for the command, the API and the admin alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from feedback.exports.lines import DRAFTS, GOLD
from feedback.models import ExportFormat


class ExportInputError(ValueError):
    """Bad export input; `field` names what was wrong, the message says why (one readable line)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class ExportFilters:
    """Which rows: annotated drafts (optionally only safe ones) or the gold set; a date window; one label.

    Dates are whole UTC days, both ends included: drafts by created_at, gold replies by approved_at. The label
    matches a draft's labels or a gold reply's tags.
    """

    dataset: str = DRAFTS
    since: date | None = None
    until: date | None = None
    label: str | None = None
    safe_only: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ExportFilters:
        return export_filters_parse(
            since=data.get("since"), until=data.get("until"), label=data.get("label"),
            safe_only=bool(data.get("safe_only")), gold=data.get("dataset") == GOLD,
        )


def export_format_parse(value: str | None) -> str:
    name = (value or ExportFormat.JSONL).strip().lower()
    if name not in ExportFormat.values:
        raise ExportInputError("format", f"unknown format {value!r}; expected one of {', '.join(ExportFormat.values)}")
    return name


def _date(field: str, value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ExportInputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def export_filters_parse(
    *, since=None, until=None, label: str | None = None, safe_only: bool = False, gold: bool = False
) -> ExportFilters:
    since_date, until_date = _date("since", since), _date("until", until)
    if since_date and until_date and since_date > until_date:
        raise ExportInputError("since", f"{since_date} is after until ({until_date})")
    if gold and safe_only:
        raise ExportInputError("safe_only", "the gold set has no safety judgement; use one of safe_only or gold")
    label = (label or "").strip() or None
    return ExportFilters(
        dataset=GOLD if gold else DRAFTS, since=since_date, until=until_date, label=label, safe_only=safe_only
    )
