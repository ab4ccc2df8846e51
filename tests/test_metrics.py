"""Tests for model.metrics against hand-computed cases and invariance properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from model.metrics import (
    _stable_order,
    beta_convergence,
    beta_convergence_panel,
    cv,
    cv_rows,
    gini,
    gini_rows,
    headcount_weighted,
    inequality_rows,
    max_min_ratio,
    max_min_ratio_rows,
    sigma_convergence,
    theil_t,
    theil_t_decomposition,
    theil_t_decomposition_rows,
    williamson_cv,
    williamson_cv_rows,
)

# Local settings (not a global profile, so other test modules are unaffected).
fast = settings(max_examples=60, deadline=None, database=None)

# --------------------------------------------------------------------------- strategies
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
pos_weight = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)
scale = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def values_weights(draw, min_size: int = 1, max_size: int = 30, zero_weights: bool = False):
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    x = np.array(draw(st.lists(positive, min_size=n, max_size=n)))
    w_elem = st.one_of(st.just(0.0), pos_weight) if zero_weights else pos_weight
    w = np.array(draw(st.lists(w_elem, min_size=n, max_size=n)))
    assume(w.sum() > 0)
    return x, w


def naive_gini(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """Mean-absolute-difference definition with an explicit N x N matrix (reference only)."""
    w = np.ones_like(x) if w is None else w
    total_w = w.sum()
    mean = np.dot(w, x) / total_w
    mad = np.sum(np.outer(w, w) * np.abs(x[:, None] - x[None, :]))
    return mad / (2.0 * total_w**2 * mean)


# --------------------------------------------------------------------------- gini
def test_gini_1234():
    # Ordered pairs |xi - xj| for [1,2,3,4]: unordered diffs 1,2,3,1,2,1 sum to 10, so the
    # double sum over ordered pairs is 20.  n = 4, mean = 2.5:
    # G = 20 / (2 * 4^2 * 2.5) = 20 / 80 = 0.25
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25, abs=1e-15)
    # order does not matter
    assert gini([4, 1, 3, 2]) == pytest.approx(0.25, abs=1e-15)


def test_gini_equal_values_is_zero():
    assert gini([5.0, 5.0, 5.0, 5.0]) == 0.0
    assert gini([7.3] * 77, np.arange(1, 78)) == pytest.approx(0.0, abs=1e-14)


def test_gini_all_income_to_one():
    # [0,0,0,1]: nonzero diffs are the 3 unordered pairs (0,1) -> ordered sum 6; mean 0.25:
    # G = 6 / (2 * 16 * 0.25) = 6 / 8 = 0.75 = 1 - 1/n
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75, abs=1e-15)


def test_gini_weighted_two_points():
    # [1,3] with weights [1,1]: ordered |diff| sum = 2 * 2 = 4; W = 2, mean = 2:
    # G = 4 / (2 * 4 * 2) = 0.25
    assert gini([1, 3], [1, 1]) == pytest.approx(0.25, abs=1e-15)
    # weights [1,3] == expanded [1,3,3,3]: mean 2.5, ordered |diff| sum = 2 * 3 * 2 = 12:
    # G = 12 / (2 * 16 * 2.5) = 12 / 80 = 0.15
    assert gini([1, 3], [1, 3]) == pytest.approx(0.15, abs=1e-15)
    assert gini([1, 3, 3, 3]) == pytest.approx(0.15, abs=1e-15)
    # weights [3,1] == expanded [1,1,1,3]: mean 1.5, ordered sum 12 -> 12 / 48 = 0.25
    assert gini([1, 3], [3, 1]) == pytest.approx(0.25, abs=1e-15)


def test_gini_weight_scale_and_zero_weight():
    x = np.array([3.0, 1.0, 4.0, 1.5])
    w = np.array([2.0, 5.0, 1.0, 3.0])
    assert gini(x, 1000 * w) == pytest.approx(gini(x, w), rel=1e-12)
    # a zero-weight province is ignored
    assert gini(np.append(x, 99.0), np.append(w, 0.0)) == pytest.approx(gini(x, w), rel=1e-12)


@fast
@given(
    data=st.lists(
        st.tuples(positive, st.integers(min_value=1, max_value=5)), min_size=1, max_size=15
    )
)
def test_gini_integer_weights_equal_expanded(data):
    x = np.array([d[0] for d in data])
    w = np.array([d[1] for d in data])
    expanded = np.repeat(x, w)
    assert gini(x, w) == pytest.approx(gini(expanded), rel=1e-9, abs=1e-12)
    assert theil_t(x, w) == pytest.approx(theil_t(expanded), rel=1e-9, abs=1e-12)


@fast
@given(vw=values_weights(zero_weights=True))
def test_gini_matches_mean_absolute_difference(vw):
    x, w = vw
    assert gini(x) == pytest.approx(naive_gini(x), rel=1e-9, abs=1e-12)
    assert gini(x, w) == pytest.approx(naive_gini(x, w), rel=1e-9, abs=1e-12)


@fast
@given(vw=values_weights(), data=st.data())
def test_gini_bounds(vw, data):
    x, w = vw
    # allow zeros among the values as long as the mean stays positive
    zero_mask = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size)))
    x = np.where(zero_mask, 0.0, x)
    assume(x.sum() > 0)
    for g in (gini(x), gini(x, w)):
        assert 0.0 <= g < 1.0


# --------------------------------------------------------------------------- theil
def test_theil_equal_values_is_zero():
    assert theil_t([2.0, 2.0, 2.0]) == pytest.approx(0.0, abs=1e-15)
    assert theil_t([2.0, 2.0, 2.0], [1.0, 5.0, 9.0]) == pytest.approx(0.0, abs=1e-15)


def test_theil_two_people():
    # [1,3]: total 4, mean 2, shares s = [1/4, 3/4]:
    # T = 0.25 ln(1/2) + 0.75 ln(3/2) = -0.173287 + 0.304099 = 0.130812
    expected = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    assert expected == pytest.approx(0.130812, abs=1e-6)
    assert theil_t([1, 3]) == pytest.approx(expected, rel=1e-14)
    assert theil_t([1, 3], [2, 2]) == pytest.approx(expected, rel=1e-14)


def test_theil_weighted_two_groups():
    # [1,3] with weights [3,1] == [1,1,1,3]: sum w x = 6, mean = 6/4 = 1.5,
    # shares s = [3/6, 3/6]:  T = 0.5 ln(1/1.5) + 0.5 ln(3/1.5) = 0.5 ln(4/3)
    assert theil_t([1, 3], [3, 1]) == pytest.approx(0.5 * math.log(4 / 3), rel=1e-14)


def test_theil_decomposition_hand_example():
    # Group 0 = [1, 3], group 1 = [2, 6], unit weights. Total income 12, mean 3.
    # Group means 2 and 4, group income shares S = [4/12, 8/12] = [1/3, 2/3].
    # between = 1/3 ln(2/3) + 2/3 ln(4/3) = (5/3) ln 2 - ln 3
    # Each group is [1,3] up to scale, so T_0 = T_1 = 0.25 ln 0.5 + 0.75 ln 1.5
    #   within = 1/3 T_0 + 2/3 T_1 = -ln 2 + 0.75 ln 3
    # total = 1/12 ln(1/3) + 3/12 ln(1) + 2/12 ln(2/3) + 6/12 ln(2) = (2/3) ln 2 - 0.25 ln 3
    #       = between + within  (= 0.187445)
    total, between, within = theil_t_decomposition([1, 3, 2, 6], None, [0, 0, 1, 1])
    t_group = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    assert between == pytest.approx(5 / 3 * math.log(2) - math.log(3), rel=1e-13)
    assert between == pytest.approx(1 / 3 * math.log(2 / 3) + 2 / 3 * math.log(4 / 3), rel=1e-13)
    assert within == pytest.approx(t_group, rel=1e-13)
    assert total == pytest.approx(2 / 3 * math.log(2) - 0.25 * math.log(3), rel=1e-13)
    assert total == pytest.approx(0.187445, abs=1e-6)
    assert total == pytest.approx(theil_t([1, 3, 2, 6]), rel=1e-14)
    # weights given explicitly as ones, and arbitrary (non-contiguous) labels
    res = theil_t_decomposition([1, 3, 2, 6], [1, 1, 1, 1], [7, 7, -2, -2])
    assert res == pytest.approx((total, between, within), rel=1e-13)


def test_theil_decomposition_single_group_and_singletons():
    x = np.array([1.0, 2.0, 5.0, 9.0])
    w = np.array([3.0, 1.0, 2.0, 4.0])
    total, between, within = theil_t_decomposition(x, w, np.zeros(4, dtype=int))
    assert between == pytest.approx(0.0, abs=1e-15)
    assert within == pytest.approx(total, rel=1e-14)
    total, between, within = theil_t_decomposition(x, w, np.arange(4))
    assert within == pytest.approx(0.0, abs=1e-15)
    assert between == pytest.approx(total, rel=1e-14)


@fast
@given(vw=values_weights(zero_weights=True), data=st.data())
def test_theil_decomposition_adds_up(vw, data):
    x, w = vw
    groups = np.array(
        data.draw(st.lists(st.integers(0, 6), min_size=x.size, max_size=x.size)), dtype=np.int64
    )
    total, between, within = theil_t_decomposition(x, w, groups)
    assert between + within == pytest.approx(total, rel=1e-12, abs=1e-12)
    assert total == pytest.approx(theil_t(x, w), rel=1e-12, abs=1e-12)
    assert between >= -1e-12
    assert within >= -1e-12


# --------------------------------------------------------------------------- CVs, ratios
def test_williamson_cv_hand():
    # [1,3], p = [0.5,0.5]: mean 2, variance 0.5*1 + 0.5*1 = 1 -> CV = 1/2
    assert williamson_cv([1, 3], [1, 1]) == pytest.approx(0.5, rel=1e-15)
    # [1,3], weights [3,1] -> p = [0.75, 0.25]: mean = 0.75 + 0.75 = 1.5,
    # variance = 0.75 * 0.5^2 + 0.25 * 1.5^2 = 0.1875 + 0.5625 = 0.75,
    # CV = sqrt(0.75) / 1.5 = 1 / sqrt(3) = 0.577350
    assert williamson_cv([1, 3], [3, 1]) == pytest.approx(1 / math.sqrt(3), rel=1e-15)


def test_cv_hand():
    # [2,4,4,4,5,5,7,9]: mean 5, squared deviations 9,1,1,1,0,0,4,16 sum 32,
    # variance 32/8 = 4 (ddof=0), std 2 -> CV = 0.4
    assert cv([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(0.4, rel=1e-15)
    # [1,3]: mean 2, std 1 -> 0.5 (same as Williamson with equal weights)
    assert cv([1, 3]) == pytest.approx(0.5, rel=1e-15)
    assert cv([4.0, 4.0]) == 0.0


def test_max_min_ratio_and_headcount():
    assert max_min_ratio([2.0, 10.0, 5.0]) == pytest.approx(5.0)
    # poverty 10% in 3 people and 40% in 1 person: (3*0.1 + 1*0.4) / 4 = 0.175
    assert headcount_weighted([0.1, 0.4], [3, 1]) == pytest.approx(0.175, rel=1e-15)


@fast
@given(vw=values_weights(), c=scale, seed=st.integers(0, 2**32 - 1))
def test_scale_and_permutation_invariance(vw, c, seed):
    x, w = vw
    perm = np.random.default_rng(seed).permutation(x.size)
    tol = {"rel": 1e-9, "abs": 1e-12}
    for f in (gini, theil_t, williamson_cv):
        base = f(x, w)
        assert f(c * x, w) == pytest.approx(base, **tol)
        assert f(x[perm], w[perm]) == pytest.approx(base, **tol)
    for f in (gini, theil_t, cv, max_min_ratio):
        base = f(x)
        assert f(c * x) == pytest.approx(base, **tol)
        assert f(x[perm]) == pytest.approx(base, **tol)
    assert williamson_cv(x, np.ones_like(x)) == pytest.approx(cv(x), **tol)


# --------------------------------------------------------------------------- by rows
@fast
@given(vw=values_weights(min_size=2, zero_weights=True), data=st.data())
def test_row_variants_match_the_1d_metrics(vw, data):
    """Each row of the T x N variants equals the 1-D metric of that row."""
    x, w = vw
    rows = data.draw(st.integers(1, 4))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    xs = np.vstack([x] + [x[rng.permutation(x.size)] * rng.uniform(0.5, 2.0, x.size)
                          for _ in range(rows - 1)])  # fmt: skip
    ws = np.vstack([w] + [w[rng.permutation(w.size)] for _ in range(rows - 1)])
    assume((ws.sum(axis=1) > 0).all())
    groups = np.array(
        data.draw(st.lists(st.integers(0, 6), min_size=x.size, max_size=x.size)), dtype=np.int64
    )
    tol = {"rel": 1e-12, "abs": 1e-14}
    total, between, within = theil_t_decomposition_rows(xs, ws, groups)
    for t in range(rows):
        assert gini_rows(xs, ws)[t] == pytest.approx(gini(xs[t], ws[t]), **tol)
        assert gini_rows(xs)[t] == pytest.approx(gini(xs[t]), **tol)
        expected = theil_t_decomposition(xs[t], ws[t], groups)
        assert (total[t], between[t], within[t]) == pytest.approx(expected, **tol)
        assert williamson_cv_rows(xs, ws)[t] == pytest.approx(williamson_cv(xs[t], ws[t]), **tol)
        assert cv_rows(xs)[t] == pytest.approx(cv(xs[t]), **tol)
        assert max_min_ratio_rows(xs)[t] == pytest.approx(max_min_ratio(xs[t]), **tol)
    # the compiled all-at-once form of the model table gives the same numbers
    fused = inequality_rows(xs, ws, groups)
    expected_rows = {
        "gini_weighted": gini_rows(xs, ws),
        "gini_unweighted": gini_rows(xs),
        "theil_t": total,
        "theil_between_regions": between,
        "theil_within_regions": within,
        "williamson_cv": williamson_cv_rows(xs, ws),
        "cv_unweighted": cv_rows(xs),
        "max_min_ratio": max_min_ratio_rows(xs),
        "sigma_log": sigma_convergence(np.log(xs)),
    }
    for name, expected_row in expected_rows.items():
        np.testing.assert_allclose(fused[name], expected_row, rtol=1e-11, atol=1e-13, err_msg=name)


@fast
@given(
    values=st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.5]) | positive, min_size=1, max_size=60),
    seed=st.integers(0, 2**32 - 1),
)
def test_stable_order_is_the_stable_sort_from_any_start(values, seed):
    """The Gini's ordering (insertion sort from last row's order, merge sort beyond 16 shifts
    an element) is exactly a stable argsort, ties by index, whatever the starting order."""
    x = np.array(values)
    rng = np.random.default_rng(seed)
    stable = np.argsort(x, kind="mergesort")
    for start in (np.arange(x.size), rng.permutation(x.size), stable[::-1].copy(), stable):
        np.testing.assert_array_equal(_stable_order(x, start), stable)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: gini_rows([1.0, 2.0]), "2-D"),
        (lambda: gini_rows([[1.0, -2.0]]), "non-negative"),
        (lambda: gini_rows([[1.0, 2.0]], [[0.0, 0.0]]), "weights"),
        (lambda: theil_t_decomposition_rows([[1.0, 2.0]], None, [0]), "groups"),
        (lambda: theil_t_decomposition_rows([[0.0, 2.0]], None, [0, 1]), "values"),
        (lambda: williamson_cv_rows([[1.0, 2.0]], None), "weights"),
        (lambda: cv_rows([[0.0, 0.0]]), "values"),
        (lambda: max_min_ratio_rows([[0.0, 1.0]]), "values"),
        (lambda: max_min_ratio_rows([[1.0, np.inf]]), "finite"),
    ],
)
def test_row_variants_reject_invalid_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- convergence
def test_sigma_convergence_hand():
    # year 0: ln y = [0, 2] -> mean 1, deviations +-1, std 1
    # year 1: ln y = [1, 1] -> std 0
    # year 2: ln y = [0, 1, 2] is not rectangular, so use [0, 0.5]: std 0.25
    out = sigma_convergence(np.array([[0.0, 2.0], [1.0, 1.0], [0.0, 0.5]]))
    np.testing.assert_allclose(out, [1.0, 0.0, 0.25], rtol=1e-15, atol=0)
    # [0,1,2]: mean 1, variance (1 + 0 + 1)/3 = 2/3 -> sqrt(2/3)
    assert sigma_convergence(np.array([[0.0, 1.0, 2.0]]))[0] == pytest.approx(math.sqrt(2 / 3))


def _exact_growth_data(a: float, b: float, years: float):
    ln_y0 = np.array([8.0, 9.0, 10.0, 11.0, 9.5])
    growth = a + b * ln_y0
    return np.exp(ln_y0), np.exp(ln_y0 + years * growth)


def test_beta_convergence_recovers_exact_slope():
    # growth = 0.5 - 0.04 ln y0 exactly over 10 years:
    # speed = -ln(1 - 0.04 * 10) / 10 = -ln(0.6) / 10 = 0.0510826
    # half-life = ln 2 / 0.0510826 = 13.569 years
    y0, y1 = _exact_growth_data(0.5, -0.04, 10.0)
    res = beta_convergence(y0, y1, 10.0)
    assert res["beta"] == pytest.approx(-0.04, rel=1e-9)
    assert res["intercept"] == pytest.approx(0.5, rel=1e-9)
    assert res["r2"] == pytest.approx(1.0, abs=1e-12)
    assert res["speed"] == pytest.approx(-math.log(0.6) / 10, rel=1e-9)
    assert res["half_life_years"] == pytest.approx(13.569, abs=1e-3)
    assert res["n"] == 5


def test_beta_divergence_and_overshoot():
    # beta = +0.02: 1 + 0.2 > 0 -> speed = -ln(1.2)/10 < 0 -> no half-life
    y0, y1 = _exact_growth_data(-0.1, 0.02, 10.0)
    res = beta_convergence(y0, y1, 10.0)
    assert res["beta"] == pytest.approx(0.02, rel=1e-9)
    assert res["speed"] == pytest.approx(-math.log(1.2) / 10, rel=1e-9)
    assert math.isnan(res["half_life_years"])
    # beta = -0.15 over 10 years: 1 - 1.5 < 0 -> speed undefined
    y0, y1 = _exact_growth_data(1.5, -0.15, 10.0)
    res = beta_convergence(y0, y1, 10.0)
    assert res["beta"] == pytest.approx(-0.15, rel=1e-9)
    assert math.isnan(res["speed"])
    assert math.isnan(res["half_life_years"])


def test_beta_convergence_noisy_r2_between_0_and_1():
    rng = np.random.default_rng(0)
    y0 = np.exp(rng.uniform(9, 12, 77))
    y1 = y0 * np.exp(20 * (0.3 - 0.025 * np.log(y0)) + rng.normal(0, 0.1, 77))
    res = beta_convergence(y0, y1, 20)
    assert 0.0 < res["r2"] < 1.0
    assert res["beta"] < 0
    # same as numpy polyfit
    slope, intercept = np.polyfit(np.log(y0), np.log(y1 / y0) / 20, 1)
    assert res["beta"] == pytest.approx(slope, rel=1e-9)
    assert res["intercept"] == pytest.approx(intercept, rel=1e-9)


def test_beta_convergence_panel():
    y0, y1 = _exact_growth_data(0.5, -0.04, 10.0)
    codes = [f"P{i}" for i in range(y0.size)]
    mid = np.sqrt(y0 * y1)
    panel = pd.DataFrame(
        {
            "code": codes * 3,
            "year": [2000] * 5 + [2005] * 5 + [2010] * 5,
            "gpp_per_capita_thb": np.concatenate([y0, mid, y1]),
        }
    ).sample(frac=1.0, random_state=1)  # shuffled rows
    # an extra unit seen only in the last year is ignored
    extra = pd.DataFrame({"code": ["X"], "year": [2010], "gpp_per_capita_thb": [1.0]})
    panel = pd.concat([panel, extra], ignore_index=True)
    res = beta_convergence_panel(panel)
    assert (res["start"], res["end"]) == (2000, 2010)
    assert res["beta"] == pytest.approx(-0.04, rel=1e-9)
    assert res["n"] == 5
    # sub-period 2000-2005: ln y grows by half as much over half the time -> same growth rate
    res = beta_convergence_panel(panel, end=2005)
    assert res["beta"] == pytest.approx(-0.04, rel=1e-9)
    assert res["r2"] == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: gini([1.0, 2.0], [1.0, -1.0]), "weights"),
        (lambda: gini([1.0, 2.0], [0.0, 0.0]), "weights"),
        (lambda: gini([1.0, 2.0], [1.0]), "weights"),
        (lambda: gini([-1.0, 2.0]), "values"),
        (lambda: gini([0.0, 0.0]), "values"),
        (lambda: gini([]), "values"),
        (lambda: gini([1.0, np.nan]), "values"),
        (lambda: theil_t([0.0, 2.0]), "values"),
        (lambda: theil_t_decomposition([1.0, 2.0], None, [0]), "groups"),
        (lambda: theil_t_decomposition([1.0, 2.0], None, [0.5, 1.0]), "groups"),
        (lambda: williamson_cv([1.0, 2.0], [-1.0, 2.0]), "weights"),
        (lambda: cv([0.0, 0.0]), "values"),
        (lambda: max_min_ratio([0.0, 1.0]), "values"),
        (lambda: headcount_weighted([0.1, 0.2], [0.0, 0.0]), "weights"),
        (lambda: sigma_convergence(np.array([1.0, 2.0])), "log_values_by_year"),
        (lambda: beta_convergence([1.0, -2.0], [1.0, 2.0], 5), "initial"),
        (lambda: beta_convergence([1.0, 2.0], [0.0, 2.0], 5), "final"),
        (lambda: beta_convergence([1.0, 2.0], [1.0, 2.0], 0), "years"),
        (lambda: beta_convergence([2.0, 2.0], [1.0, 2.0], 5), "initial"),
        (lambda: beta_convergence_panel(pd.DataFrame({"a": [1]})), "column"),
    ],
)
def test_invalid_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
