"""one_hot, cross_entropy and cross_entropy_from_logits."""

import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlbasics import (
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    log_softmax,
    one_hot,
    softmax,
)

logit_batches = st.integers(2, 6).flatmap(
    lambda k: st.tuples(
        hnp.arrays(
            np.float64, st.tuples(st.integers(1, 8), st.just(k)), elements=st.floats(-50, 50)
        ),
        st.just(k),
    )
)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([[1, 2]]), 4).shape == (1, 2, 4)


def test_entropy_known_values():
    assert entropy(np.full(10, 0.1)) == pytest.approx(np.log(10))
    assert entropy([0.0, 1.0, 0.0]) == 0.0
    p = softmax(np.random.default_rng(0).normal(size=(5, 4)))
    np.testing.assert_allclose(entropy(p), cross_entropy(p, p), rtol=1e-15)
    np.testing.assert_allclose(entropy(p.T, axis=0), entropy(p), rtol=1e-15)
    np.testing.assert_allclose(entropy(p), scipy.stats.entropy(p, axis=-1), rtol=1e-13)


def test_known_value_and_asymmetry():
    S = np.array([0.7, 0.2, 0.1])
    L = np.array([1.0, 0.0, 0.0])
    assert cross_entropy(S, L) == pytest.approx(-np.log(0.7))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cross_entropy(L, S) == np.inf  # log 0 where S has mass: honest +inf, not NaN


def test_zero_log_zero_is_zero():
    assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert cross_entropy([0.5, 0.5, 0.0], [0.0, 1.0, 0.0]) == pytest.approx(np.log(2))


def test_per_sample_along_axis():
    S = np.array([[0.5, 0.5], [0.9, 0.1]])
    L = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(cross_entropy(S, L), [np.log(2), -np.log(0.1)])
    np.testing.assert_allclose(cross_entropy(S.T, L.T, axis=0), cross_entropy(S, L))


def test_matches_scipy_entr_reference():
    rng = np.random.default_rng(0)
    S = softmax(rng.normal(size=(20, 5)))
    L = softmax(rng.normal(size=(20, 5)))
    want = -np.sum(scipy.special.xlogy(L, S), axis=-1)
    np.testing.assert_allclose(cross_entropy(S, L), want, rtol=1e-13)


def test_nan_propagates():
    assert np.isnan(cross_entropy([np.nan, 0.5], [1.0, 0.0]))
    assert np.isnan(cross_entropy([0.5, np.nan], [1.0, 0.0]))
    assert np.isnan(cross_entropy([0.5, 0.5], [np.nan, 0.0]))


def old_xlogy_sum(L, log_S, axis=-1):
    """The hand-written rule the package had before scipy.special.xlogy (issue 16.1)."""
    with np.errstate(invalid="ignore"):
        terms = np.where((L == 0) & ~np.isnan(log_S), 0.0, L * log_S)
    return -np.sum(terms, axis=axis)


# Probabilities where the rules differ if anything does: 0, 1, tiny, NaN.
probabilities = st.one_of(
    st.sampled_from([0.0, 1.0, 5e-324, 1e-300, np.nan]), st.floats(0, 1, allow_nan=False)
)
probability_arrays = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=probabilities
)


def _same_rule(got, want):
    """Zeros, NaNs and infs exactly where the old rule put them; other values to a few ulps
    (scipy's xlogy and the old product may round the last bit differently)."""
    np.testing.assert_allclose(got, want, rtol=4 * np.finfo(float).eps, atol=0, equal_nan=True)


def distributions(weights, nan_at=None):
    """Rows of ``weights`` scaled to sum to 1 (zeros and tiny values kept), NaN at ``nan_at``."""
    weights = np.nan_to_num(weights)
    weights[:, 0] += weights.sum(axis=1) == 0  # every row some mass
    p = weights / weights.sum(axis=1, keepdims=True)
    if nan_at is not None:
        p[nan_at] = np.nan  # a slice holding NaN gives NaN
    return p


@settings(max_examples=200, deadline=None)
@given(probability_arrays, st.data())
def test_cross_entropy_keeps_the_old_rule_for_zero_and_nan(weights, data):
    S = distributions(weights, data.draw(hnp.arrays(bool, weights.shape)))
    L = distributions(data.draw(hnp.arrays(np.float64, S.shape, elements=probabilities)))
    L[data.draw(hnp.arrays(bool, L.shape))] = np.nan
    with np.errstate(divide="ignore"):
        want = old_xlogy_sum(L, np.log(S))
    _same_rule(cross_entropy(S, L), want)


@settings(max_examples=200, deadline=None)
@given(probability_arrays, st.data())
def test_entropy_keeps_the_old_rule_for_zero_and_nan(weights, data):
    p = distributions(weights, data.draw(hnp.arrays(bool, weights.shape)))
    with np.errstate(divide="ignore"):
        want = old_xlogy_sum(p, np.log(p)) + 0.0
    _same_rule(entropy(p), want)


@settings(max_examples=200, deadline=None)
@given(probability_arrays, st.data())
def test_from_logits_with_target_rows_keeps_the_old_rule(weights, data):
    logits = data.draw(
        hnp.arrays(
            np.float64,
            weights.shape,
            elements=st.one_of(st.floats(-50, 50), st.sampled_from([-np.inf, np.nan])),
        )
    )
    L = distributions(weights)  # (NaN targets propagate too, but are not the point here)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = cross_entropy_from_logits(logits, L)
    want = np.mean(old_xlogy_sum(L, log_softmax(logits)))
    _same_rule(got, want)


@settings(max_examples=150, deadline=None)
@given(logit_batches, st.data())
def test_properties_of_the_loss(batch, data):
    logits, k = batch
    n = logits.shape[0]
    labels = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    S = softmax(logits)
    per_sample = cross_entropy(S, one_hot(labels, k))
    finite = np.isfinite(per_sample)
    assert np.all(per_sample[finite] >= 0)
    # D(S, L) with one-hot L is -log of the true class's probability.
    np.testing.assert_allclose(per_sample, -np.log(S[np.arange(n), labels]), rtol=1e-12)
    # The from-logits form is the mean, computed stably; it matches wherever log(S) is finite.
    mean_loss = cross_entropy_from_logits(logits, labels)
    want = -np.mean(log_softmax(logits)[np.arange(n), labels])
    assert mean_loss == pytest.approx(want, rel=1e-12)
    assert mean_loss >= 0
    if finite.all():
        assert mean_loss == pytest.approx(per_sample.mean(), rel=1e-9, abs=1e-12)
    assert cross_entropy_from_logits(logits, one_hot(labels, k)) == pytest.approx(
        mean_loss, rel=1e-12
    )


def test_from_logits_stays_finite_where_log_softmax_of_softmax_does_not():
    logits = np.array([[0.0, -1000.0]])
    with np.errstate(divide="ignore"):
        assert np.log(softmax(logits))[0, 1] == -np.inf
    assert cross_entropy_from_logits(logits, [1]) == pytest.approx(1000.0)


def test_uniform_logits_give_log_k():
    assert cross_entropy_from_logits(np.zeros((4, 10)), [0, 3, 9, 1]) == pytest.approx(np.log(10))


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: one_hot([0, 3], 3), ValueError, r"labels must be < n_classes=3"),
        (lambda: one_hot([-1], 3), ValueError, r"labels must be >= 0"),
        (lambda: one_hot([0.5], 3), TypeError, r"labels must be integer class ids"),
        (lambda: one_hot([0], 0), ValueError, r"n_classes must be >= 1"),
        (lambda: one_hot([0], 2.0), TypeError, r"n_classes must be an int"),
        (lambda: cross_entropy([0.5, 0.5], [1.0, 0.0, 0.0]), ValueError, r"same shape"),
        (lambda: cross_entropy([1.5, -0.5], [1.0, 0.0]), ValueError, r"S must hold probabilities"),
        (lambda: cross_entropy([0.5, 0.5], [2.0, 0.0]), ValueError, r"L must hold probabilities"),
        (lambda: cross_entropy([], []), ValueError, r"S must not be empty"),
        (lambda: cross_entropy(["a"], ["b"]), TypeError, r"S must hold real numbers"),
        (
            lambda: cross_entropy([0.5, 0.5], [1.0, 0.0], axis=1),
            ValueError,
            r"axis=1 is out of range",
        ),
        # Rounded probabilities, or scores instead of probabilities: not distributions.
        (
            lambda: cross_entropy([0.33, 0.33, 0.33], [1.0, 0.0, 0.0]),
            ValueError,
            r"S must sum to 1 along axis 0, got a sum of 0.99",
        ),
        (
            lambda: cross_entropy([[0.5, 0.5], [0.9, 0.9]], [[1.0, 0.0], [0.0, 1.0]]),
            ValueError,
            r"S must sum to 1 along axis 1, got a sum of 1.8",
        ),
        (
            lambda: cross_entropy([0.5, 0.5], [1.0, 1.0]),
            ValueError,
            r"L must sum to 1 along axis 0, got a sum of 2.0",
        ),
        (
            lambda: cross_entropy_from_logits([[1.0, 2.0]], [[1.0, 1.0]]),
            ValueError,
            r"labels must sum to 1 along axis 1, got a sum of 2.0",
        ),
        (lambda: cross_entropy_from_logits([1.0, 2.0], [0]), ValueError, r"logits must be 2-D"),
        (
            lambda: cross_entropy_from_logits([[1.0, 2.0]], [0, 1]),
            ValueError,
            r"labels has 2 entries but logits has 1 rows",
        ),
        (
            lambda: cross_entropy_from_logits([[1.0, 2.0]], [2]),
            ValueError,
            r"labels must be < n_cl",
        ),
        (lambda: cross_entropy_from_logits([[1.0, 2.0]], [-1]), ValueError, r"labels must be >= 0"),
        (lambda: cross_entropy_from_logits([[1.0, 2.0]], [0.0]), TypeError, r"integer class ids"),
        (
            lambda: cross_entropy_from_logits([[1.0, 2.0]], [[1.0, 0.0, 0.0]]),
            ValueError,
            r"one-hot labels must have the shape of logits",
        ),
        (
            lambda: cross_entropy_from_logits([[1.0, 2.0]], 0),
            ValueError,
            r"labels must be class ids",
        ),
        (
            lambda: cross_entropy_from_logits(np.zeros((0, 3)), []),
            ValueError,
            r"logits must not be",
        ),
    ],
)
def test_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_a_perfect_prediction_costs_zero_not_minus_zero():
    """A learner sees the sign printed: -0.0 would look like a bug."""
    perfect = [
        cross_entropy([1.0, 0.0], [1.0, 0.0]),
        cross_entropy_from_logits([[0.0, -np.inf]], [0]),
        cross_entropy_from_logits([[0.0, -np.inf]], [[1.0, 0.0]]),
    ]
    assert perfect == [0.0, 0.0, 0.0] and not np.signbit(perfect).any()


def test_probabilities_rounded_in_float32_are_distributions_in_float64():
    """A float32 softmax stored as float64 sums to 1 only to about 1e-7: still accepted."""
    logits = np.random.default_rng(0).normal(0, 3, size=(1000, 10)).astype(np.float32)
    S = softmax(logits).astype(np.float64)
    assert np.abs(S.sum(axis=1) - 1).max() > np.sqrt(np.finfo(np.float64).eps)  # the case
    L = one_hot(np.zeros(1000, dtype=int), 10)
    assert np.isfinite(cross_entropy(S, L)).all() and np.isfinite(entropy(S)).all()
    with pytest.raises(ValueError, match="S must sum to 1"):
        cross_entropy(np.full(3, 0.333), np.eye(3)[0])  # rounded by hand to 3 figures: 0.999
