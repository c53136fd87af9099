"""gaussian_init: distribution, determinism, and errors."""

import numpy as np
import pytest

from dlbasics import gaussian_init, normalize_pixels
from dlbasics.initialization import initial_loss_and_entropy, unit_logits


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
        ({"shape": (3, -1)}, ValueError, r"shape must be an int or a tuple of non-negative ints"),
        ({"shape": (3, 2.5)}, ValueError, r"shape must be .* non-negative ints, got \(3, 2.5\)"),
        ({"shape": 2.5}, ValueError, r"shape must be an int or a tuple .*, got 2.5"),
        ({"shape": None}, ValueError, r"shape must be an int or a tuple .*, got None"),
        ({"dtype": "foo"}, TypeError, r"dtype must be a floating dtype .*, got 'foo'"),
    ],
)
def test_bad_input(kwargs, err, match):
    args = {"shape": (3, 2), "sigma": 1.0, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(err, match=match):
        gaussian_init(**args)


def test_center_centres_the_inputs_of_the_logits():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(6, 5, 4), dtype=np.uint8)
    center = images.mean(axis=0)
    W1 = gaussian_init((20, 10), 1.0, np.random.default_rng(3))
    X = normalize_pixels(images).reshape(6, -1).astype(np.float64)
    x_mean = normalize_pixels(center).ravel()
    np.testing.assert_allclose(unit_logits(images, seed=3), X @ W1, rtol=1e-12)
    np.testing.assert_allclose(
        unit_logits(images, seed=3, center=center), (X - x_mean) @ W1, rtol=1e-10, atol=1e-12
    )
    # Centred on their own mean, the logits average to 0 over the images.
    np.testing.assert_allclose(unit_logits(images, center=center).mean(axis=0), 0, atol=1e-6)


def test_initial_loss_and_entropy_with_center():
    images = np.random.default_rng(1).integers(0, 256, size=(8, 28, 28), dtype=np.uint8)
    labels = np.arange(8)
    center = images.mean(axis=0)
    loss, h = initial_loss_and_entropy(images, labels, [0.01, 1.0], center=center)
    plain_loss, _ = initial_loss_and_entropy(images, labels, [0.01, 1.0])
    z = unit_logits(images, center=center)
    assert loss[1] == pytest.approx(
        -np.mean([z[i, labels[i]] - np.log(np.exp(z[i]).sum()) for i in range(8)])
    )
    assert loss[1] != plain_loss[1]
    assert 0 < h[1] < h[0] <= np.log(10)


@pytest.mark.parametrize(
    "center, err, match",
    [
        (np.zeros((28, 27)), ValueError, r"center must be one image of shape \(28, 28\)"),
        (np.full((28, 28), 256.0), ValueError, r"center must hold finite grey levels"),
        (np.full((28, 28), np.inf), ValueError, r"center must hold finite grey levels"),
        (np.full((28, 28), "a"), TypeError, r"center must hold real numbers"),
    ],
)
def test_bad_center(center, err, match):
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    with pytest.raises(err, match=match):
        unit_logits(images, center=center)
    with pytest.raises(err, match=match):
        initial_loss_and_entropy(images, [0, 1], [1.0], center=center)
