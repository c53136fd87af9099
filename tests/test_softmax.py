"""softmax, log_softmax, logsumexp: known values, references, properties, edge cases, errors."""

import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlbasics import log_softmax, logsumexp, naive_softmax, softmax

finite = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)
moderate = st.floats(-700, 700, allow_nan=False, allow_infinity=False)
vectors = hnp.arrays(np.float64, st.integers(1, 12), elements=finite)
matrices = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=2, max_dims=3, max_side=6), elements=moderate
)


def exact(x):
    """softmax, log_softmax and logsumexp of one vector in 60-digit decimals, rounded to doubles."""
    with localcontext() as ctx:
        ctx.prec = 60
        d = [Decimal(float(v)) for v in x]
        m = max(d)
        e = [(v - m).exp() for v in d]
        log_total = sum(e).ln()
        return (
            np.array([float(v / sum(e)) for v in e]),
            np.array([float((v - m) - log_total) for v in d]),
            np.array(float(m + log_total)),
        )


def ulps(got, want):
    """The largest error of ``got`` in units of the last place of the exact ``want``."""
    got, want = np.atleast_1d(got), np.atleast_1d(want)
    with np.errstate(invalid="ignore"):  # inf - inf where both are -inf: equal, error 0
        err = np.abs(got - want) / np.spacing(np.maximum(np.abs(want), np.finfo(np.float64).tiny))
    return float(np.max(np.where(got == want, 0.0, err)))


# --- known values -------------------------------------------------------------------


def test_notes_example():
    expected = [0.8360188, 0.11314284, 0.05083836]
    np.testing.assert_allclose(softmax([3.0, 1.0, 0.2]), expected, rtol=1e-7)
    np.testing.assert_allclose(naive_softmax([3.0, 1.0, 0.2]), expected, rtol=1e-7)


def test_scaling_caution_from_the_notes():
    scores = np.array([3.0, 1.0, 0.2])
    sharp = softmax(scores * 10)
    flat = softmax(scores / 10)
    assert sharp.max() > 0.99 and sharp.min() < 1e-8
    np.testing.assert_allclose(flat, 1 / 3, atol=0.1)
    assert np.ptp(flat) < np.ptp(softmax(scores))


def test_logsumexp_known_value():
    assert logsumexp([1000.0, 1000.0]) == pytest.approx(1000 + np.log(2), rel=1e-15)
    assert logsumexp([0.0, 0.0, 0.0, 0.0]) == pytest.approx(np.log(4))


# --- accuracy against exact and scipy references --------------------------------------


# Integers and round numbers give ties and exact zeros in x - max; the rest span every scale.
wide = st.one_of(finite, st.integers(-800, 800).map(float), st.sampled_from([0.0, 1.0, -1.0]))


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 12), elements=wide))
def test_no_less_accurate_than_scipy(x):
    """The accuracy contract: against the exact answer, no worse than scipy.special.

    Both round x - max, exp and the sum alike, so the errors agree; the slack
    (25% and 2 ulp) only absorbs a different summation order.
    """
    want = exact(x)
    got = (softmax(x), log_softmax(x), logsumexp(x))
    with np.errstate(all="ignore"):
        ref = (scipy.special.softmax(x), scipy.special.log_softmax(x), scipy.special.logsumexp(x))
    for name, g, r, w in zip(("softmax", "log_softmax", "logsumexp"), got, ref, want, strict=True):
        ours, theirs = ulps(g, w), ulps(r, w)
        assert ours <= 1.25 * theirs + 2, (name, x, ours, theirs)


def test_logsumexp_keeps_the_digits_of_a_tiny_rest():
    # log(1 + e^-40) = 4.248e-18: log(sum) would round the sum to 1 and give 0.
    assert logsumexp([0.0, -40.0]) == pytest.approx(float(exact([0.0, -40.0])[2]), rel=1e-15)
    assert logsumexp([0.0, 0.0, -40.0]) == pytest.approx(np.log(2), rel=1e-15)


def test_the_textbook_line_alone_loses_the_tiny_rest():
    x = np.array([0.0, -40.0])
    textbook = x.max() + np.log(np.sum(np.exp(x - x.max())))
    assert textbook == 0.0 and logsumexp(x) == pytest.approx(np.exp(-40.0), rel=1e-15)


@pytest.mark.parametrize(
    "x",
    [
        [0.0, -1e-20, -40.0],  # e^-1e-20 rounds to 1: counted as a second max, still exact
        [-np.inf, -np.inf, -40.0],
        [-np.inf, 3.0],
        [5.0, 5.0, 5.0, -1.0],
    ],
)
def test_ties_and_minus_inf_terms_are_exact(x):
    assert logsumexp(x) == pytest.approx(float(exact(x)[2]), rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(matrices, st.integers(-3, 2))
def test_agrees_with_scipy(x, axis):
    axis = axis % x.ndim
    np.testing.assert_allclose(
        softmax(x, axis=axis), scipy.special.softmax(x, axis=axis), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(
        log_softmax(x, axis=axis), scipy.special.log_softmax(x, axis=axis), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        logsumexp(x, axis=axis), scipy.special.logsumexp(x, axis=axis), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(
    "x",
    [
        [1e308, -1e308],
        [-1e308, -1e308, 0.0],
        [1e308, 1e308],
        [710.0, 0.0],
        [-745.0, 0.0],
        [5e-324, -5e-324],
        [1e-300, 0.0, -1e-300],
    ],
)
def test_extreme_inputs_agree_with_scipy_without_warnings(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = (softmax(x), log_softmax(x), logsumexp(x))
    with np.errstate(all="ignore"):
        want = (scipy.special.softmax(x), scipy.special.log_softmax(x), scipy.special.logsumexp(x))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-300)
    # Probabilities and the log-normalizer stay finite; a log-probability may be
    # -inf only when the true value (below -1.8e308) is not a double.
    assert np.isfinite(got[0]).all() and np.isfinite(got[2])


def test_float32_stays_float32():
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    assert softmax(x).dtype == np.float32
    assert log_softmax(x).dtype == np.float32
    assert logsumexp(x).dtype == np.float32
    np.testing.assert_allclose(
        softmax(x), scipy.special.softmax(x.astype(float), axis=-1), rtol=1e-6
    )
    big = np.array([80.0, 100.0], dtype=np.float32)  # exp(100) overflows float32
    assert np.isfinite(softmax(big)).all()


def test_integers_and_lists_become_float64():
    assert softmax([1, 2, 3]).dtype == np.float64


# --- properties ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_sums_to_one_and_is_a_distribution(x):
    p = softmax(x)
    assert np.all(p >= 0) and np.all(p <= 1)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=moderate), moderate)
def test_invariant_to_adding_a_constant(x, c):
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=1e-9, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_log_softmax_is_log_of_softmax_where_finite(x):
    p = softmax(x)
    finite_log = p > 1e-300
    np.testing.assert_allclose(
        log_softmax(x)[finite_log], np.log(p[finite_log]), rtol=1e-9, atol=1e-12
    )
    assert np.all(np.isfinite(log_softmax(x)))  # finite even where softmax underflows to 0


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_keepdims_and_axis(x):
    for axis in range(x.ndim):
        kept = logsumexp(x, axis=axis, keepdims=True)
        assert kept.shape == tuple(1 if i == axis else n for i, n in enumerate(x.shape))
        np.testing.assert_array_equal(np.squeeze(kept, axis=axis), logsumexp(x, axis=axis))
        np.testing.assert_allclose(softmax(x, axis=axis).sum(axis=axis), 1.0, rtol=1e-12)


def test_rows_convention_matches_notes_columns_after_transpose():
    x = np.array([[3.0, 1.0, 0.2], [1.0, 2.0, 3.0]])
    np.testing.assert_allclose(softmax(x, axis=-1), naive_softmax(x.T).T)


# --- edge cases: inf and nan -----------------------------------------------------------


def test_minus_inf_gets_exactly_zero():
    p = softmax([0.0, -np.inf, 1.0])
    assert p[1] == 0.0
    assert p.sum() == pytest.approx(1.0)
    assert log_softmax([0.0, -np.inf])[1] == -np.inf


def test_all_minus_inf():
    x = [-np.inf, -np.inf]
    assert np.isnan(softmax(x)).all() and np.isnan(log_softmax(x)).all()
    assert logsumexp(x) == -np.inf


def test_plus_inf():
    """As the module docstring says: the +inf entry is NaN, the finite ones beside it 0."""
    p, lp = softmax([np.inf, 0.0]), log_softmax([np.inf, 0.0])
    assert np.isnan(p[0]) and p[1] == 0.0
    assert np.isnan(lp[0]) and lp[1] == -np.inf
    assert logsumexp([np.inf, 0.0]) == np.inf


def test_nan_propagates_per_slice_without_warning():
    x = np.array([[0.0, np.nan], [1.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, lp, lse = softmax(x), log_softmax(x), logsumexp(x)
    assert np.isnan(p[0]).all() and np.isnan(lp[0]).all() and np.isnan(lse[0])
    assert np.isfinite(p[1]).all() and np.isfinite(lse[1])


def test_naive_version_overflows_where_stable_one_does_not():
    x = [1000.0, 2.0, 1.0]
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(naive_softmax(x)).any()
    np.testing.assert_allclose(softmax(x), [1.0, 0.0, 0.0], atol=1e-300)


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp])
@pytest.mark.parametrize(
    "bad, err, match",
    [
        ([], ValueError, "x must not be empty"),
        (np.zeros((2, 0)), ValueError, "x must not be empty"),
        (["a", "b"], TypeError, "x must hold real numbers"),
        ([True, False], TypeError, "x must hold real numbers"),
        ([1 + 2j], TypeError, "x must hold real numbers"),
        ([[1.0, 2.0], [3.0]], ValueError, "x must be a rectangular array"),
        (3.0, ValueError, "x must have at least one dimension"),
    ],
)
def test_bad_x(fn, bad, err, match):
    with pytest.raises(err, match=match):
        fn(bad)


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp])
def test_bad_axis(fn):
    with pytest.raises(ValueError, match=r"axis=2 is out of range .* 1 dimension"):
        fn([1.0, 2.0], axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        fn([1.0, 2.0], axis=0.5)
