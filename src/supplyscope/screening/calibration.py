"""Score calibration, fitted on the TRAIN split of bench/screening_eval.csv by
``bench/screening_bench.py --calibrate`` (generated; do not edit by hand).

FUZZY_P -> FUZZY_RATE: isotonic regression (scikit-learn, 3,520 fuzzy-tier query-candidate
pairs, 206 true) of the match label on the logistic probability; scores
between breakpoints are interpolated linearly, outside them clipped. ACRONYM_RATE: the share of
initials-only pairs on train that were true (0 of 52).
"""

FUZZY_P: tuple[float, ...] = (
    0.000201874,
    0.00235788,
    0.0023759,
    0.0102428,
    0.0102481,
    0.0212541,
    0.0212664,
    0.0491307,
    0.0496237,
    0.0787421,
    0.0787791,
    0.0963095,
    0.0965321,
    0.109135,
    0.111172,
    0.55305,
    0.55863,
    0.633152,
    0.655613,
    0.721168,
    0.721189,
    0.889927,
)
FUZZY_RATE: tuple[float, ...] = (
    0,
    0,
    0.00178731,
    0.00178731,
    0.00472813,
    0.00472813,
    0.00907441,
    0.00907441,
    0.031746,
    0.031746,
    0.047619,
    0.047619,
    0.0769231,
    0.0769231,
    0.140351,
    0.140351,
    0.333333,
    0.333333,
    0.8,
    0.8,
    0.965986,
    0.965986,
)
ACRONYM_RATE = 0.0185
