"""Notebook 04's sigma experiment: the first predictions of a linear classifier on letters.

The weights are ``sigma * W1`` for one fixed draw ``W1 ~ N(0, 1)`` (see
:func:`unit_logits`), so one draw serves every sigma of the slider. This is the
back end of :class:`dlbasics.plots.initialization.InitialPredictions`; the
initialization itself is :mod:`dlbasics.initialization`.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_float_array, as_int_labels, check_real
from .cross_entropy import cross_entropy_from_logits, entropy
from .initialization import gaussian_init
from .letters import LETTERS
from .numerics import normalize_pixels
from .softmax import softmax

N_CLASSES = len(LETTERS)


def _check_sigmas(sigmas, name: str = "sigmas") -> tuple[float, ...]:
    values = np.atleast_1d(np.asarray(sigmas, dtype=object))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty sequence of numbers > 0, got {sigmas!r}")
    return tuple(check_real(s, f"{name}[{i}]", positive=True) for i, s in enumerate(values))


def _check_images(images, name: str = "images") -> np.ndarray:
    """A stack of images, shape (n, height, width), returned as given (dtype kept).

    Only the shape is checked here; the grey levels (dtype, NaN, 0..255) are
    checked where they are used, by ``normalize_pixels`` in :func:`_inputs`.
    """
    arr = as_array(images, name)
    if arr.ndim != 3 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a stack of grey images of shape (n, height, width), got shape "
            f"{arr.shape}"
        )
    return arr


def _check_labels(labels, n: int) -> np.ndarray:
    ids = as_int_labels(labels, n_classes=N_CLASSES)
    if ids.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one class id per image, got {ids.shape}")
    return ids


def _check_center(center, shape) -> np.ndarray:
    """A mean image in grey levels, of the images' ``shape``, as float64.

    normalize_pixels checks the range again, but its error would name ``images``."""
    center = as_float_array(center, "center").astype(np.float64)
    if center.shape != shape:
        raise ValueError(f"center must be one image of shape {shape}, got {center.shape}")
    if not (np.all(np.isfinite(center)) and center.min() >= 0 and center.max() <= 255):
        raise ValueError("center must hold finite grey levels in [0, 255]")
    return center


def _inputs(images, center=None) -> np.ndarray:
    """The images as classifier inputs: normalized, flattened, minus the normalized ``center``.

    Rows are ``normalize_pixels(image).ravel()`` in float64; with a ``center`` (a
    mean image in grey levels, shape (height, width)) the centred rows
    ``x - normalize_pixels(center).ravel()``.

    Examples
    --------
    >>> imgs = np.full((2, 28, 28), 128, dtype=np.uint8)
    >>> _inputs(imgs).shape, float(_inputs(imgs).max())
    ((2, 784), 0.0)
    >>> float(_inputs(imgs, center=np.full((28, 28), 64.0)).min())  # (128 - 64) / 128
    0.5
    """
    images = _check_images(images)
    X = normalize_pixels(images).reshape(len(images), -1).astype(np.float64)
    if center is not None:
        X -= normalize_pixels(_check_center(center, images.shape[1:])).ravel()
    return X


def unit_logits(images, *, seed: int = 0, center=None) -> np.ndarray:
    """Logits of the images at sigma = 1 (bias 0): ``x @ W1`` with ``W1 ~ N(0, 1)``.

    For any sigma, ``sigma * W1`` has exactly the distribution N(0, sigma^2) that
    ``gaussian_init(..., sigma)`` draws from, so the logits at sigma are
    ``sigma * unit_logits``: one draw serves every sigma, and the slider moves
    continuously instead of jumping between unrelated random draws.

    Parameters
    ----------
    images : array_like, shape (n, height, width)
        Grey levels 0..255; ``x`` is ``normalize_pixels(image)``, flattened.
    seed : int, default 0
        Seed of the draw ``W1``.
    center : array_like, shape (height, width), optional
        A mean image in grey levels (e.g. ``train_images.mean(axis=0)``): the
        inputs are centred, ``x - normalize_pixels(center)``, before the logits
        (see ``_inputs``).

    Examples
    --------
    >>> imgs = np.zeros((2, 28, 28), dtype=np.uint8)
    >>> unit_logits(imgs).shape
    (2, 10)
    >>> float(np.abs(unit_logits(imgs, center=imgs[0])).max())  # centred on itself: x = 0
    0.0
    """
    X = _inputs(images, center)
    W1 = gaussian_init((X.shape[1], N_CLASSES), 1.0, np.random.default_rng(seed))
    return X @ W1


def initial_loss_and_entropy(images, labels, sigmas, *, seed: int = 0, center=None):
    """Loss and mean entropy of the first predictions, for each sigma.

    The weights are ``sigma * W1`` with one fixed draw ``W1 ~ N(0, 1)`` (see
    :func:`unit_logits`) and the bias is 0. With ``center`` (a mean image in
    grey levels) the inputs are centred first, as in :func:`unit_logits`.

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
    z1 = unit_logits(images, seed=seed, center=center)
    loss = np.array([cross_entropy_from_logits(s * z1, labels) for s in sigmas])
    ent = np.array([entropy(softmax(s * z1)).mean() for s in sigmas])
    return loss, ent
