"""The sigma experiment of notebook 04: logits at sigma = 1, first loss and entropy per sigma."""

import numpy as np
import pytest

from dlbasics import gaussian_init, normalize_pixels
from dlbasics.sigma_experiment import initial_loss_and_entropy, unit_logits


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


@pytest.mark.parametrize(
    "images, err, match",
    [
        (np.full((2, 28, 28), 256.0), ValueError, r"images must hold grey levels in \[0, 255\]"),
        (np.full((2, 28, 28), np.nan), ValueError, r"images must not contain NaN"),
        (np.full((2, 28, 28), "a"), TypeError, r"images must hold real numbers"),
        (np.zeros((28, 28)), ValueError, r"images must be a stack of grey images"),
        (np.zeros((0, 28, 28)), ValueError, r"images must be a stack of grey images"),
    ],
)
def test_bad_images(images, err, match):
    with pytest.raises(err, match=match):
        unit_logits(images)
    with pytest.raises(err, match=match):
        initial_loss_and_entropy(images, [0, 1][: len(images)], [1.0])
