"""Input checks shared by the helpers: one place for the wording of every error.

The memory check, which refuses a size before it is allocated, is in ``_memory``."""

from __future__ import annotations

import math
import numbers
import reprlib

import numpy as np


def as_array(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, with ragged nested lists refused in an error that names ``name``."""
    try:
        return np.asarray(x)
    except ValueError as err:
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None


def as_real_array(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """``np.asarray(x)`` if it holds integers or floats, as they are (no copy, no cast);
    booleans, complex numbers, strings, objects and (unless ``allow_empty``) empty
    arrays raise an error that names ``name``."""
    arr = as_array(x, name)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def as_float_array(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a floating ndarray, or raise an error that names ``name``.

    Floating input keeps its precision (float32 stays float32); integers become
    float64. Booleans, complex numbers, strings and objects are refused.
    """
    arr = as_real_array(x, name, allow_empty=allow_empty)
    if np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.float64)
    return arr


def check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr`` itself if every entry is finite, else a ValueError naming ``name`` and the
    first NaN or inf (where it is: a learner looking for it in a large array needs that).

    >>> check_finite(np.array([[1.0, 2.0], [np.nan, 3.0]]), "X")
    Traceback (most recent call last):
    ...
    ValueError: X must be finite (no NaN or inf), got nan at index (1, 0)
    """
    finite = np.isfinite(arr)
    if not finite.all():
        index = tuple(int(i) for i in np.unravel_index(np.argmin(finite), arr.shape))
        where = "" if arr.ndim == 0 else f" at index {index if arr.ndim > 1 else index[0]}"
        raise ValueError(f"{name} must be finite (no NaN or inf), got {arr[index]}{where}")
    return arr


def check_axis(axis, ndim: int, name: str = "axis") -> int:
    """Return ``axis`` as a non-negative int, or raise naming the valid range."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for an array with {ndim} dimension(s); "
            f"expected {-ndim} <= {name} < {ndim}"
        )
    return int(axis) % ndim


def as_int_labels(labels, name: str = "labels", *, n_classes: int | None = None) -> np.ndarray:
    """Return integer class ids as an int64 array; refuse floats, negatives and ids >= n_classes."""
    arr = as_array(labels, name)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be integer class ids, got dtype {arr.dtype}"
            + (
                " (cast with .astype(int) if the values are whole numbers)"
                if np.issubdtype(arr.dtype, np.floating)
                else ""
            )
        )
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be >= 0, got {arr.min()}")
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(f"{name} must be < n_classes={n_classes}, got {arr.max()}")
    # Checked before the cast: uint64 ids from 2**63 up would wrap to negative int64.
    if arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} must be < 2**63, got {arr.max()}")
    return arr.astype(np.int64, copy=False)


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum`` (bools refused), or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_real(value, name: str, *, positive: bool = False, any_sign: bool = False) -> float:
    """Return ``value`` as a finite float, or raise naming ``name``: the one real-number check.

    The value must be ``>= 0`` by default, ``> 0`` with ``positive``, of any sign
    with ``any_sign``. Bools are refused (``True`` is not a number a learner means).

    >>> check_real(-2, "mark", any_sign=True)
    -2.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} {reprlib.repr(value)}"
        )
    value = float(value)
    bound = "" if any_sign else " > 0" if positive else " >= 0"
    if not math.isfinite(value) or (not any_sign and (value < 0 or (positive and value == 0))):
        raise ValueError(f"{name} must be a finite number{bound}, got {value}")
    return value
