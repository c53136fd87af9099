"""Weight initialization: draw weights from a Gaussian N(0, sigma^2).

Sigma sets the order of magnitude of the first logits, and through the
softmax the peakiness of the first predictions: start small. How small
depends on how many inputs each logit sums (:func:`init_sigma`).

Notebook 04's sigma experiment (the first predictions of the letters for each
sigma) is built on these in :mod:`dlbasics.sigma_experiment`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._memory import check_memory
from ._validation import check_positive_int, check_real


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
        isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape
    ):
        raise TypeError(f"shape must be an int or a tuple of ints, got {shape!r}")
    if any(n < 0 for n in shape):
        raise ValueError(f"shape must not hold negative sizes, got {shape!r}")
    shape = tuple(shape)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a floating dtype such as float32, got {dtype!r}") from None
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype such as float32 or float64, got {dtype}")
    # numpy draws in float64, then casts: both arrays exist for a moment.
    per_weight = 8 + (dtype.itemsize if dtype != np.float64 else 0)
    check_memory(math.prod(shape) * per_weight, f"weights of shape {shape}", "shape")
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
