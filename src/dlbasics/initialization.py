"""Weight initialization: draw weights from a Gaussian N(0, sigma^2).

Sigma sets the order of magnitude of the first logits, and through the
softmax the peakiness of the first predictions: start small. How small
depends on how many inputs each logit sums (:func:`init_sigma`).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_array, as_float_array, as_int_labels, check_positive_int, check_real
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
    dtype : numpy floating dtype, default float64
        Integer and bool dtypes are refused (they would round the weights to
        0 or True); a sigma so large that the weights overflow ``dtype`` (e.g.
        float16, whose largest value is 65504) is refused too.

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
    shape = (shape,) if isinstance(shape, numbers.Integral) else shape
    if not isinstance(shape, tuple | list) or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ValueError(f"shape must be an int or a tuple of non-negative ints, got {shape!r}")
    shape = tuple(shape)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a floating dtype such as float32, got {dtype!r}") from None
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype such as float32 or float64, got {dtype}")
    with np.errstate(over="ignore"):
        W = rng.normal(0.0, sigma, size=shape).astype(dtype, copy=False)
    if not np.isfinite(W).all():
        raise ValueError(
            f"sigma={sigma} is too large for {dtype}: the weights overflow "
            f"(largest {dtype} is {np.finfo(dtype).max:g})"
        )
    return W


def init_sigma(kind: str, fan_in: int, fan_out: int | None = None) -> float:
    r"""The standard deviation of a classic scaled initialization.

    A logit sums ``fan_in`` inputs times weights; with inputs of variance 1,
    weights of std ``sigma`` give it variance ``fan_in * sigma**2``. Scaling
    sigma by the fan-in keeps the first logits of order 1 for any layer size:

    * ``"lecun"``: :math:`1/\sqrt{n_{in}}` (LeCun et al. 1998), variance 1 out.
    * ``"he"``: :math:`\sqrt{2/n_{in}}` (He et al. 2015), for ReLU layers,
      which zero half their inputs.
    * ``"xavier"`` (Glorot & Bengio 2010): :math:`\sqrt{2/(n_{in}+n_{out})}`,
      a compromise between the forward and the backward pass; needs ``fan_out``.

    Parameters
    ----------
    kind : {"lecun", "he", "xavier"}
    fan_in : int
        Inputs per unit, e.g. 784 for 28x28 images.
    fan_out : int, optional
        Outputs (e.g. 10 classes); only ``"xavier"`` uses it, and needs it.

    Returns
    -------
    float
        The sigma to pass to :func:`gaussian_init`.

    Examples
    --------
    >>> round(init_sigma("lecun", 784), 4)  # 1 / 28
    0.0357
    >>> round(init_sigma("xavier", 784, 10), 4)
    0.0502
    """
    kinds = ("lecun", "he", "xavier")
    if kind not in kinds:
        raise ValueError(f"kind must be one of {kinds}, got {kind!r}")
    fan_in = check_positive_int(fan_in, "fan_in")
    if kind == "xavier":
        if fan_out is None:
            raise ValueError('kind="xavier" needs fan_out (e.g. the number of classes)')
        return float(np.sqrt(2 / (fan_in + check_positive_int(fan_out, "fan_out"))))
    if fan_out is not None:
        raise ValueError(f"fan_out is only used by kind='xavier', got fan_out={fan_out}")
    return float(np.sqrt((2 if kind == "he" else 1) / fan_in))


def _check_sigmas(sigmas, name: str = "sigmas") -> tuple[float, ...]:
    values = np.atleast_1d(np.asarray(sigmas, dtype=object))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty sequence of numbers > 0, got {sigmas!r}")
    return tuple(check_real(s, f"{name}[{i}]", positive=True) for i, s in enumerate(values))


def _check_images(images, name: str = "images") -> np.ndarray:
    """Grey-level images (n, height, width) in 0..255; returned as given (dtype kept)."""
    arr = as_array(images, name)
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


def _check_center(center, shape) -> np.ndarray:
    """A mean image in grey levels, of the images' ``shape``, as float64."""
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
