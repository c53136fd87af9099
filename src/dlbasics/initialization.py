"""Weight initialization: draw weights from a Gaussian N(0, sigma^2).

Sigma sets the order of magnitude of the first logits, and through the
softmax the peakiness of the first predictions: start small.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_int_labels, check_real
from .cross_entropy import cross_entropy_from_logits, entropy
from .letters import LETTERS
from .numerics import normalize_pixels
from .softmax import softmax

N_CLASSES = len(LETTERS)


def gaussian_init(shape, sigma: float, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Draw weights of ``shape`` from a normal distribution with mean 0 and std ``sigma``.

    Parameters
    ----------
    shape : int or tuple of int
        E.g. ``(n_features, n_classes)``.
    sigma : float
        Standard deviation, >= 0 (0 gives all-zero weights).
    rng : numpy.random.Generator
        The source of randomness, e.g. ``np.random.default_rng(0)``; explicit so
        that every run is reproducible.
    dtype : numpy dtype, default float64

    Examples
    --------
    >>> W = gaussian_init((784, 10), sigma=0.01, rng=np.random.default_rng(0))
    >>> W.shape, round(float(W.std()), 3)
    ((784, 10), 0.01)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    check_real(sigma, "sigma")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"shape must be non-negative ints, got {shape}")
    return rng.normal(0.0, sigma, size=shape).astype(dtype, copy=False)


def _check_sigmas(sigmas, name: str = "sigmas") -> tuple[float, ...]:
    values = np.atleast_1d(np.asarray(sigmas, dtype=object))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty sequence of numbers > 0, got {sigmas!r}")
    return tuple(check_real(s, f"{name}[{i}]", positive=True) for i, s in enumerate(values))


def _check_images(images, name: str = "images") -> np.ndarray:
    """Grey-level images (n, height, width) in 0..255; returned as given (dtype kept)."""
    arr = np.asarray(images)
    if arr.ndim != 3 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a stack of grey images of shape (n, height, width), got shape "
            f"{arr.shape}"
        )
    normalize_pixels(arr)  # the value checks (dtype, NaN, 0..255), with the shared wording
    return arr


def _check_labels(labels, n: int) -> np.ndarray:
    ids = as_int_labels(labels, n_classes=N_CLASSES)
    if ids.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one class id per image, got {ids.shape}")
    return ids


def unit_logits(images, *, seed: int = 0) -> np.ndarray:
    """Logits of the images at sigma = 1 (bias 0): ``x @ W1`` with ``W1 ~ N(0, 1)``.

    For any sigma, ``sigma * W1`` has exactly the distribution N(0, sigma^2) that
    ``gaussian_init(..., sigma)`` draws from, so the logits at sigma are
    ``sigma * unit_logits``: one draw serves every sigma, and the slider moves
    continuously instead of jumping between unrelated random draws.

    Examples
    --------
    >>> imgs = np.zeros((2, 28, 28), dtype=np.uint8)
    >>> unit_logits(imgs).shape
    (2, 10)
    """
    images = _check_images(images)
    X = normalize_pixels(images).reshape(len(images), -1).astype(np.float64)
    W1 = gaussian_init((X.shape[1], N_CLASSES), 1.0, np.random.default_rng(seed))
    return X @ W1


def initial_loss_and_entropy(images, labels, sigmas, *, seed: int = 0):
    """Loss and mean entropy of the first predictions, for each sigma.

    The weights are ``sigma * W1`` with one fixed draw ``W1 ~ N(0, 1)`` (see
    :func:`unit_logits`) and the bias is 0.

    Returns
    -------
    loss, mean_entropy : ndarray, shape (len(sigmas),)
        Mean cross-entropy against ``labels``, and the mean entropy (nats) of the
        predicted distributions. Both are near ln 10 for tiny sigma.

    Examples
    --------
    >>> imgs = np.full((1, 28, 28), 255, dtype=np.uint8)
    >>> loss, h = initial_loss_and_entropy(imgs, [0], [1e-6])
    >>> round(float(loss[0]), 4), round(float(h[0]), 4)  # ln 10 = 2.3026
    (2.3026, 2.3026)
    """
    images = _check_images(images)
    labels = _check_labels(labels, len(images))
    sigmas = _check_sigmas(sigmas)
    z1 = unit_logits(images, seed=seed)
    loss = np.array([cross_entropy_from_logits(s * z1, labels) for s in sigmas])
    ent = np.array([entropy(softmax(s * z1)).mean() for s in sigmas])
    return loss, ent
