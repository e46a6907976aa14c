"""Net Promoter Score of training feedback."""

from __future__ import annotations

from collections.abc import Iterable

PROMOTER_MIN = 9  # 9–10: promoters
DETRACTOR_MAX = 6  # 0–6: detractors (7–8 are passives)


def nps(scores: Iterable[int]) -> float | None:
    """Net Promoter Score in percentage points, from −100 to 100: % promoters (scores 9–10)
    minus % detractors (0–6) among all answers. ``None`` when there are no answers.

    Raises ``ValueError`` for a score outside 0–10.
    """
    total = promoters = detractors = 0
    for score in scores:
        if not 0 <= score <= 10:
            raise ValueError(f"an NPS score is 0–10, got {score}")
        total += 1
        if score >= PROMOTER_MIN:
            promoters += 1
        elif score <= DETRACTOR_MAX:
            detractors += 1
    if total == 0:
        return None
    return 100.0 * (promoters - detractors) / total
