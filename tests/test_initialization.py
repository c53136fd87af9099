"""gaussian_init: distribution, determinism, and errors."""

import numpy as np
import pytest

from dlbasics import gaussian_init


def test_mean_and_std():
    W = gaussian_init((400, 250), sigma=0.5, rng=np.random.default_rng(0))
    assert W.shape == (400, 250) and W.dtype == np.float64
    assert abs(W.mean()) < 0.01
    assert W.std() == pytest.approx(0.5, rel=0.01)


def test_deterministic_for_a_seed_and_dtype():
    a = gaussian_init(10, 1.0, np.random.default_rng(3))
    b = gaussian_init(10, 1.0, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert (
        gaussian_init((2, 2), 1.0, np.random.default_rng(0), dtype=np.float32).dtype == np.float32
    )


def test_sigma_zero_is_all_zeros():
    assert not gaussian_init((3, 3), 0.0, np.random.default_rng(0)).any()


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"sigma": -0.1}, ValueError, r"sigma must be a finite number >= 0, got -0.1"),
        ({"sigma": float("nan")}, ValueError, r"sigma must be a finite number"),
        ({"sigma": "1"}, TypeError, r"sigma must be a real number"),
        ({"rng": 0}, TypeError, r"rng must be a numpy.random.Generator"),
        ({"rng": np.random.RandomState(0)}, TypeError, r"rng must be a numpy.random.Generator"),
        ({"shape": (3, -1)}, ValueError, r"shape must not hold negative sizes, got \(3, -1\)"),
        ({"shape": (True, 3)}, TypeError, r"shape must be an int or a tuple of ints"),
        ({"shape": (3, 2.5)}, TypeError, r"shape must be .* tuple of ints, got \(3, 2.5\)"),
        ({"shape": 2.5}, TypeError, r"shape must be an int or a tuple .*, got 2.5"),
        ({"shape": None}, TypeError, r"shape must be an int or a tuple .*, got None"),
        ({"dtype": "foo"}, TypeError, r"dtype must be a floating dtype .*, got 'foo'"),
    ],
)
def test_bad_input(kwargs, err, match):
    args = {"shape": (3, 2), "sigma": 1.0, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(err, match=match):
        gaussian_init(**args)
