"""Agreement between annotators on the drafts two or more of them labelled (the overlap sample).

Each annotator's latest annotation of a draft counts. Figures:
- per field, Krippendorff's alpha (the `krippendorff` package): `safe_to_send` nominal; `clarity`, `accuracy`,
  `tone` ordinal; `labels` nominal over one binary unit per (draft, label), for every label any annotator of the
  overlap sample used (applied = 1, not applied = 0), so agreeing that a label does not apply counts too;
- per annotator pair, on the drafts both labelled: percent agreement and Cohen's kappa on `safe_to_send`.
A figure that is undefined (no draft, or a single value throughout) is null.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import krippendorff
import numpy as np

from feedback.services import RUBRIC_KEYS


@dataclass(frozen=True)
class Vote:
    feedback_id: int
    annotator: str
    safe_to_send: bool
    labels: tuple[str, ...]
    rubric: dict


def _alpha(rows: list[list[float]], level: str) -> float | None:
    """Alpha of a reliability matrix (annotators × units, NaN where an annotator did not label the unit)."""
    if not rows or not rows[0]:
        return None
    try:
        value = krippendorff.alpha(reliability_data=np.array(rows, dtype=float), level_of_measurement=level)
    except ValueError:
        return None  # one value throughout: agreement is not measurable
    return None if math.isnan(value) else round(float(value), 4)


def _matrix(votes_by_unit: dict, annotators: list[str]) -> list[list[float]]:
    units = sorted(votes_by_unit)
    return [[votes_by_unit[unit].get(annotator, math.nan) for unit in units] for annotator in annotators]


def cohen_kappa(first: list[bool], second: list[bool]) -> float | None:
    """Cohen's kappa of two annotators' yes / no answers on the same items: (po - pe) / (1 - pe)."""
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    yes_a, yes_b = sum(first) / n, sum(second) / n
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    if expected == 1:
        return None  # both always said the same one thing: chance explains everything
    return round((observed - expected) / (1 - expected), 4)


def agreement_compute(votes: list[Vote]) -> dict:
    """The agreement report of these votes (see the module docstring); only drafts with two or more annotators count."""
    by_draft: dict[int, dict[str, Vote]] = defaultdict(dict)
    for vote in votes:
        by_draft[vote.feedback_id][vote.annotator] = vote
    shared = {draft: voters for draft, voters in by_draft.items() if len(voters) >= 2}
    annotators = sorted({annotator for voters in shared.values() for annotator in voters})

    overall = {}
    verdicts = {draft: {a: float(v.safe_to_send) for a, v in voters.items()} for draft, voters in shared.items()}
    overall["safe_to_send"] = {"krippendorff_alpha": _alpha(_matrix(verdicts, annotators), "nominal"),
                               "items": len(verdicts)}
    for key in RUBRIC_KEYS:
        scores = {draft: {a: float(v.rubric[key]) for a, v in voters.items()} for draft, voters in shared.items()}
        overall[key] = {"krippendorff_alpha": _alpha(_matrix(scores, annotators), "ordinal"), "items": len(scores)}
    used = sorted({label for voters in shared.values() for v in voters.values() for label in v.labels})
    label_units = {
        (draft, label): {a: float(label in v.labels) for a, v in voters.items()}
        for draft, voters in shared.items()
        for label in used
    }
    overall["labels"] = {"krippendorff_alpha": _alpha(_matrix(label_units, annotators), "nominal"),
                         "items": len(label_units)}

    pairs = []
    for first, second in combinations(annotators, 2):
        both = [voters for voters in shared.values() if first in voters and second in voters]
        if not both:
            continue
        a = [voters[first].safe_to_send for voters in both]
        b = [voters[second].safe_to_send for voters in both]
        pairs.append({
            "annotators": [first, second],
            "items": len(both),
            "safe_to_send": {
                "percent": round(100 * sum(x == y for x, y in zip(a, b, strict=True)) / len(both), 2),
                "cohen_kappa": cohen_kappa(a, b),
            },
        })
    return {"overall": overall, "pairs": pairs}
