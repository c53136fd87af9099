"""Round-off demos, compensated sums, pixel normalization and standardization."""

import itertools
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlbasics import add_repeatedly, compensated_sum, normalize_pixels, numerics, standardize


def test_the_notes_round_off_experiment():
    # The notes (Python 2) printed 0.953674316406; Python 3 prints every digit.
    assert add_repeatedly(1_000_000_000, 0.000001, 1_000_000) - 1_000_000_000 == 0.95367431640625


def test_compensated_sum_recovers_the_lost_part():
    values = itertools.chain([1e9], itertools.repeat(1e-6, 1_000_000))
    assert compensated_sum(values) - 1e9 == pytest.approx(1.0, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False), max_size=50))
def test_compensated_sum_matches_fsum(values):
    assert compensated_sum(values) == pytest.approx(math.fsum(values), rel=1e-15, abs=1e-3)


def test_normalize_pixels_no_uint8_wraparound():
    img = np.array([[0, 1, 127, 128, 255]], dtype=np.uint8)
    out = normalize_pixels(img)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, (img.astype(np.float64) - 128) / 128)
    assert out.min() == -1.0


@pytest.mark.parametrize(
    "bad, err, match",
    [
        (np.array([-1, 3]), ValueError, r"images must hold grey levels in \[0, 255\]"),
        (np.array([0.0, 256.0]), ValueError, r"\[0, 255\]"),
        (np.array([np.nan]), ValueError, "images must not contain NaN"),
        (np.array(["x"]), TypeError, "images must hold real numbers"),
        (np.array([], dtype=np.uint8), ValueError, "images must not be empty"),
    ],
)
def test_normalize_pixels_bad_input(bad, err, match):
    with pytest.raises(err, match=match):
        normalize_pixels(bad)


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(2, 20), st.integers(1, 5)), elements=st.floats(-1e6, 1e6)
    )
)
def test_standardize_gives_zero_mean_unit_variance(X):
    Z, mean, std = standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-8)
    varying = std > 1e-6 * (np.abs(mean) + 1)
    np.testing.assert_allclose(Z.std(axis=0)[varying], 1, rtol=1e-6)


def test_standardize_reuses_training_statistics():
    train = np.array([[0.0, 10.0], [2.0, 30.0]])
    _, mean, std = standardize(train)
    Z, mean2, std2 = standardize(np.array([[4.0, 20.0]]), mean, std)
    np.testing.assert_array_equal(Z, [[3.0, 0.0]])
    assert mean2 is mean and std2 is std


def test_standardize_constant_feature_becomes_zero_not_nan():
    Z, _, std = standardize([[1.0, 5.0], [2.0, 5.0]])
    assert std[1] == 0
    np.testing.assert_array_equal(Z[:, 1], 0.0)


@pytest.mark.parametrize(
    "args, err, match",
    [
        (([1.0, 2.0],), ValueError, r"X must be 2-D"),
        (([[1.0]], [0.0], None), ValueError, r"give both mean and std"),
        (([[1.0, 2.0]], [0.0], [1.0]), ValueError, r"mean must have shape \(2,\)"),
        (([[1.0]], [0.0], [-1.0]), ValueError, r"std must be >= 0"),
        ((np.zeros((0, 2)),), ValueError, r"X must not be empty"),
    ],
)
def test_standardize_bad_input(args, err, match):
    with pytest.raises(err, match=match):
        standardize(*args)


def test_add_repeatedly_bad_times():
    with pytest.raises(ValueError, match="times must be >= 0"):
        add_repeatedly(1.0, 1.0, -1)
    with pytest.raises(TypeError, match="times must be an int"):
        add_repeatedly(1.0, 1.0, 2.5)


@pytest.mark.parametrize("times", [10**8 + 1, 10**12])
def test_add_repeatedly_refuses_endless_loops_at_once(times):
    lines = []  # the lines of dlbasics run in the call: the work done, not the time taken

    def count(frame, event, arg):
        if event == "line" and "dlbasics" in frame.f_code.co_filename:
            lines.append(frame.f_lineno)
            if len(lines) > 100:  # fail at once instead of looping for minutes
                raise RuntimeError("add_repeatedly started adding before refusing")
        return count

    sys.settrace(count)
    try:
        with pytest.raises(ValueError, match=rf"times must be <= 100_000_000 .*got {times:_}$"):
            add_repeatedly(1.0, 1.0, times)
    finally:
        sys.settrace(None)
    assert 0 < len(lines) < 100  # argument checks only, no additions


def test_add_repeatedly_cap_is_inclusive(monkeypatch):
    monkeypatch.setattr(numerics, "MAX_REPEATS", 10)
    assert add_repeatedly(0.0, 1.0, 10) == 10.0
    with pytest.raises(ValueError, match=r"times must be <= 10 "):
        add_repeatedly(0.0, 1.0, 11)


class BadRepr:
    """Not a number, and its repr raises: the error message must still come out."""

    def __repr__(self):
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    "start, error, match",
    [
        (math.inf, ValueError, r"^start must be a finite number, got inf$"),
        (math.nan, ValueError, r"^start must be a finite number, got nan$"),
        ("1e9", TypeError, r"^start must be a real number, got str '1e9'$"),
        (True, TypeError, r"^start must be a real number, got bool True$"),
        ("x" * 1000, TypeError, r"^start must be a real number, got str 'x{10,40}\.\.\.x+'$"),
        (BadRepr(), TypeError, r"^start must be a real number, got BadRepr <BadRepr instance"),
    ],
)
def test_add_repeatedly_bad_start(start, error, match):
    with pytest.raises(error, match=match):
        add_repeatedly(start, 1.0, 3)


def test_add_repeatedly_takes_any_sign():
    assert add_repeatedly(-1.5, np.float32(0.5), 3) == 0.0


def test_normalize_pixels_makes_one_float32_copy():
    # 20,000 letters are 15.7 MB of uint8; a float64 copy on the way (125 MB) or a
    # temporary per operation would double the peak. One float32 copy is the floor.
    import tracemalloc

    images = np.zeros((500, 28, 28), dtype=np.uint8)
    tracemalloc.start()
    try:
        out = normalize_pixels(images)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.2 * out.nbytes


def test_normalize_pixels_of_one_grey_level_is_one_float32():
    value = normalize_pixels(np.uint8(0))
    assert type(value) is np.float32 and value == -1.0
    with pytest.raises(ValueError, match=r"got values in \[-3\.0, 300\.0\]"):
        normalize_pixels([-3, 300])
