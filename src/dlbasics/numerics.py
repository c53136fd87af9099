"""Numerical stability: round-off in long sums, and inputs scaled to zero mean, equal variance."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ._validation import (
    as_float_array,
    as_real_array,
    check_finite,
    check_positive_int,
    check_real,
)

# add_repeatedly is a Python loop, about 10**7 additions a second: 10**8 takes
# seconds, 10**12 would take a day. The notes' experiment needs 10**6.
MAX_REPEATS = 10**8


def add_repeatedly(start: float, step: float, times: int) -> float:
    """Add ``step`` to ``start`` ``times`` times, one float addition at a time.

    The source notes' experiment: each addition rounds to the nearest double,
    and near 1e9 doubles are 2**-23 (about 1.2e-7) apart, so every +1e-6 lands
    on a multiple of that spacing and the error accumulates.

    ``times`` is at most ``MAX_REPEATS`` (10**8): the loop is plain Python, for
    teaching, and takes seconds per 10**8 additions.

    Examples
    --------
    >>> add_repeatedly(1_000_000_000, 0.000001, 1_000_000) - 1_000_000_000
    0.95367431640625
    """
    times = check_positive_int(times, "times", minimum=0)
    if times > MAX_REPEATS:
        raise ValueError(
            f"times must be <= {MAX_REPEATS:_} (a Python loop: 10**8 additions take seconds), "
            f"got {times:_}"
        )
    total = check_real(start, "start", any_sign=True)
    step = check_real(step, "step", any_sign=True)
    for _ in range(times):
        total += step
    return total


def compensated_sum(values: Iterable[float]) -> float:
    """Sum with Kahan-Babuska (Neumaier) compensation: carry the rounding error along.

    Each addition's lost low-order part is recovered exactly (``(big - total) + small``)
    and added back at the end, so a million tiny steps on a big start are not lost.
    An inf or NaN among the values gives inf or NaN, as ``sum`` does. But finite
    values whose running total overflows raise ``OverflowError``, as ``math.fsum``
    does: ``[1e308, 1e308, -1e308]`` sums exactly to 1e308, while a plain running
    total reaches inf at the second value and never comes back.

    Examples
    --------
    >>> import itertools
    >>> compensated_sum(itertools.chain([1e9], itertools.repeat(1e-6, 1_000_000))) - 1e9
    1.0
    """
    if not isinstance(values, Iterable) or isinstance(values, (str, bytes)):
        raise TypeError(f"values must be an iterable of numbers, got {type(values).__name__}")
    total = 0.0
    compensation = 0.0
    for v in values:
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"values must hold numbers, got {type(v).__name__} {v!r}") from None
        t = total + v
        if math.isinf(t) and math.isfinite(total) and math.isfinite(v):
            raise OverflowError(
                f"the running total overflowed at {total!r} + {v!r}; the exact sum may be "
                "finite (math.fsum gives it or raises too): scale the values down first"
            )
        if abs(total) >= abs(v):
            compensation += (total - t) + v
        else:
            compensation += (v - t) + total
        total = t
    if not math.isfinite(total):  # an inf or NaN among the values: the answer, as in sum
        return total
    if math.isinf(total + compensation):  # the carried part tips a finite total over
        raise OverflowError(
            f"the sum overflowed adding the carried rounding error {compensation!r} to "
            f"{total!r}: scale the values down first"
        )
    return total + compensation


def normalize_pixels(images) -> np.ndarray:
    """Map grey levels 0..255 to about [-1, 1) with ``(C - 128) / 128``, as float32.

    The subtraction happens in float32, so uint8 input does not wrap around
    (in uint8 arithmetic ``0 - 128`` is 128, not -128).

    Examples
    --------
    >>> normalize_pixels(np.array([0, 128, 255], dtype=np.uint8))
    array([-1.       ,  0.       ,  0.9921875], dtype=float32)
    """
    pixels = as_real_array(images, "images")
    # The range is checked on the images as given: a float64 copy of 20,000 uint8
    # images would be 125 MB, eight times the images themselves.
    low, high = float(pixels.min()), float(pixels.max())
    if np.isnan(low) or np.isnan(high):
        raise ValueError("images must not contain NaN")
    if low < 0 or high > 255:
        raise ValueError(f"images must hold grey levels in [0, 255], got values in [{low}, {high}]")
    C = pixels.astype(np.float32)
    # In place, so that the float32 copy is the only one: (C - 128) / 128.
    C -= np.float32(128)
    C /= np.float32(128)
    return C if C.ndim else C[()]  # one grey level in, one float32 out (not a 0-d array)


def standardize(X, mean=None, std=None):
    """Shift and scale each feature (column) to zero mean and unit variance.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    mean, std : array_like, shape (n_features,), optional
        Statistics to reuse, e.g. the training set's when standardizing test
        data. Give both or neither; by default they are computed from ``X``.

    Returns
    -------
    Z, mean, std : ndarray
        ``Z = (X - mean) / std``. A constant feature (all its values equal) gets
        std 0, not the round-off of its mean, and becomes 0 rather than NaN or
        noise. Any feature whose values differ keeps its std, however large its
        mean or however few its non-zero values.

    Raises
    ------
    ValueError
        For NaN or inf in ``X``, ``mean`` or ``std``, a negative ``std``, or
        shapes that do not match.

    Examples
    --------
    >>> Z, mean, std = standardize([[1.0, 10.0], [3.0, 30.0]])
    >>> Z.tolist(), mean.tolist(), std.tolist()
    ([[-1.0, -1.0], [1.0, 1.0]], [2.0, 20.0], [1.0, 10.0])
    """
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    check_finite(X, "X")
    if (mean is None) != (std is None):
        raise ValueError("give both mean and std (e.g. the training set's), or neither")
    if mean is None:
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = X.mean(axis=0), X.std(axis=0)
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            raise ValueError(
                f"X is too large to standardize in {X.dtype}: its mean or std overflows; "
                "scale it down first"
            )
        # A constant column can get a std of pure round-off (e.g. 1e-54), and
        # dividing by it would blow noise up to +-1: it is 0, exactly.
        constant = X.min(axis=0) == X.max(axis=0)
        std = np.where(constant, 0.0, std).astype(X.dtype, copy=False)
    else:
        mean = as_float_array(mean, "mean")
        std = as_float_array(std, "std")
        for name, stat in (("mean", mean), ("std", std)):
            if stat.shape != (X.shape[1],):
                raise ValueError(
                    f"{name} must have shape ({X.shape[1]},) to match X's features, "
                    f"got {stat.shape}"
                )
            check_finite(stat, name)
        if np.any(std < 0):
            raise ValueError("std must be >= 0")
    safe_std = np.where(std > 0, std, 1)
    return np.where(std > 0, (X - mean) / safe_std, 0).astype(X.dtype, copy=False), mean, std
