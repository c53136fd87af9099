"""Weight initialization: draw weights from a Gaussian N(0, sigma^2).

Sigma sets the order of magnitude of the first logits, and through the
softmax the peakiness of the first predictions: start small.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_real


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
