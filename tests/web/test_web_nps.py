"""Net Promoter Score: % promoters (9–10) minus % detractors (0–6)."""

from __future__ import annotations

import pytest

from processfactory.web.registry.nps import nps


def test_it_has_no_score_without_answers() -> None:
    assert nps([]) is None


def test_it_subtracts_detractors_from_promoters() -> None:
    # 5 promoters, 3 passives, 2 detractors out of 10 → 50 % − 20 % = 30
    assert nps([10, 9, 9, 10, 9, 8, 7, 7, 6, 0]) == pytest.approx(30.0)


def test_it_spans_minus_100_to_100() -> None:
    assert nps([10, 9]) == 100.0
    assert nps([0, 6, 3]) == -100.0
    assert nps([7, 8]) == 0.0


def test_it_rejects_a_score_outside_0_to_10() -> None:
    with pytest.raises(ValueError):
        nps([11])
    with pytest.raises(ValueError):
        nps([-1])
