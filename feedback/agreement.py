"""Agreement between annotators on the drafts two or more of them labelled (the overlap sample).

Each annotator's latest annotation of a draft counts. Figures:
- per field, Krippendorff's alpha (the `krippendorff` package): `safe_to_send` nominal; `clarity`, `accuracy`,
  `tone` ordinal; `labels` nominal over one binary unit per (draft, label), for every label any annotator of the
  overlap sample used (applied = 1, not applied = 0), so agreeing that a label does not apply counts too;
- per annotator pair, on the drafts both labelled: percent agreement and Cohen's kappa on `safe_to_send`.
A figure that is undefined (no draft, or a single value throughout) is null.

`agreement_compute` works from the votes; `agreement_from_totals` from the totals the database keeps up to
date (feedback/sql/0012_annotation_rollups.sql), which is what the page and the endpoint read: Krippendorff's
alpha from the coincidence matrix, Cohen's kappa from four counts per pair. Tests hold the two equal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
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
    return cohen_kappa_counts(
        items=len(first), agree=sum(a == b for a, b in zip(first, second, strict=True)),
        yes_a=sum(first), yes_b=sum(second),
    )


def cohen_kappa_counts(*, items: int, agree: int, yes_a: int, yes_b: int) -> float | None:
    """Cohen's kappa from the counts alone: items both answered, same answers, and each one's yeses."""
    if items == 0:
        return None
    observed = agree / items
    p_a, p_b = yes_a / items, yes_b / items
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    if expected == 1:
        return None  # both always said the same one thing: chance explains everything
    return round((observed - expected) / (1 - expected), 4)


def _pair(first: str, second: str, *, items: int, agree: int, yes_a: int, yes_b: int) -> dict:
    return {
        "annotators": [first, second],
        "items": items,
        "safe_to_send": {
            "percent": round(100 * agree / items, 2),
            "cohen_kappa": cohen_kappa_counts(items=items, agree=agree, yes_a=yes_a, yes_b=yes_b),
        },
    }


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
        pairs.append(_pair(first, second, items=len(both), agree=sum(x == y for x, y in zip(a, b, strict=True)),
                           yes_a=sum(a), yes_b=sum(b)))
    return {"overall": overall, "pairs": pairs}


# --- the same report from the totals the database keeps (feedback/sql/0012_annotation_rollups.sql) ----------


def alpha_from_coincidences(coincidences: dict[tuple[int, int], Fraction], level: str) -> float | None:
    """Krippendorff's alpha of a coincidence matrix {(c, k): o_ck}: 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck).

    d_ck is the squared difference of the level of measurement: nominal 0 / 1; ordinal, over the values in
    order, (sum of n_g from c to k - (n_c + n_k) / 2) ** 2 (as the `krippendorff` package computes it).
    None where the package gives no figure: no value, one value throughout, or no expected disagreement.
    """
    totals: dict[int, Fraction] = defaultdict(Fraction)
    for (c, _k), o in coincidences.items():
        totals[c] += o
    values = sorted(value for value, count in totals.items() if count)
    if len(values) < 2:
        return None
    position = {value: i for i, value in enumerate(values)}
    cumulative = [Fraction(0)]
    for value in values:
        cumulative.append(cumulative[-1] + totals[value])

    def distance(c: int, k: int) -> Fraction:
        if c == k:
            return Fraction(0)
        if level == "nominal":
            return Fraction(1)
        low, high = sorted((position[c], position[k]))
        return (cumulative[high + 1] - cumulative[low] - (totals[c] + totals[k]) / 2) ** 2

    n = sum(totals.values())
    observed = sum(o * distance(c, k) for (c, k), o in coincidences.items() if o)
    expected = sum(totals[c] * totals[k] * distance(c, k) for c in values for k in values)
    if expected == 0:
        return None
    return round(float(1 - (n - 1) * observed / expected), 4)


def agreement_from_totals(
    *, coincidences: list[tuple[str, int, int, int, int]], labels: list[tuple[str, int, int, int]],
    pairs: list[tuple[str, str, int, int, int, int]],
) -> dict:
    """The report agreement_compute gives, from the kept totals instead of every vote.

    coincidences: (field, annotators of the draft, value a, value b, ordered pairs of different annotators);
    labels: (label, annotators of the draft, how many applied it, drafts); pairs: (annotator a, annotator b,
    drafts both labelled, same verdict, a's safes, b's safes). A pair on m annotators' draft weighs 1 / (m - 1).
    """
    matrices: dict[str, dict[tuple[int, int], Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    drafts_by_size: dict[int, Fraction] = defaultdict(Fraction)
    for field, m, a, b, count in coincidences:
        if not count:
            continue
        matrices[field][(a, b)] += Fraction(count, m - 1)
        if field == "safe_to_send":
            drafts_by_size[m] += Fraction(count, m * (m - 1))  # each draft has m (m - 1) ordered pairs
    shared = int(sum(drafts_by_size.values()))

    overall = {"safe_to_send": {"krippendorff_alpha": alpha_from_coincidences(matrices["safe_to_send"], "nominal"),
                                "items": shared}}
    for key in RUBRIC_KEYS:
        overall[key] = {"krippendorff_alpha": alpha_from_coincidences(matrices[key], "ordinal"), "items": shared}

    # Labels: one yes / no unit per (draft, label used anywhere in the sample). A draft of m annotators where
    # `applied` of them used the label adds applied (applied - 1) yes-yes pairs, applied (m - applied) of each
    # mixed kind, and (m - applied) (m - applied - 1) no-no pairs; a draft where nobody used it, m (m - 1) no-no.
    touched: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    label_matrix: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for label, m, applied, count in labels:
        if not count:
            continue
        touched[label][m] += count
        weight = Fraction(count, m - 1)
        label_matrix[(1, 1)] += weight * applied * (applied - 1)
        label_matrix[(1, 0)] += weight * applied * (m - applied)
        label_matrix[(0, 1)] += weight * applied * (m - applied)
        label_matrix[(0, 0)] += weight * (m - applied) * (m - applied - 1)
    for by_size in touched.values():
        for m, drafts in drafts_by_size.items():
            label_matrix[(0, 0)] += (drafts - by_size.get(m, 0)) * m
    overall["labels"] = {"krippendorff_alpha": alpha_from_coincidences(label_matrix, "nominal") if touched else None,
                         "items": shared * len(touched)}

    kept = sorted((a, b, items, agree, yes_a, yes_b) for a, b, items, agree, yes_a, yes_b in pairs if items > 0)
    return {
        "overall": overall,
        "pairs": [_pair(a, b, items=items, agree=agree, yes_a=yes_a, yes_b=yes_b)
                  for a, b, items, agree, yes_a, yes_b in kept],
    }
