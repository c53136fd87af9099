"""Softmax: scores (logits) to probabilities, computed without overflow.

Every function works along ``axis`` (default: the last axis, where the classes
are when rows are samples). Floating input keeps its dtype; integers and lists
become float64.

Edge cases, decided once:

* ``-inf`` scores get probability exactly 0 (``log_softmax`` gives ``-inf``).
* A slice that is all ``-inf`` has no distribution: ``softmax`` and
  ``log_softmax`` give NaN there, ``logsumexp`` gives ``-inf``.
* A ``+inf`` score has no probability either: its entry is NaN in ``softmax``
  and ``log_softmax`` (inf/inf is undefined), the finite entries beside it get
  0 (``log_softmax``: ``-inf``), and ``logsumexp`` gives ``+inf``.
* NaN in gives NaN out for that slice, never a warning or an error.

Accuracy, the scipy.special contract: against an exact (high-precision)
reference, the error is no worse than ``scipy.special``'s on the same input,
and no finite input overflows or warns. The body is scipy's: subtract the max,
exponentiate, normalize.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_axis


def _shift(x: np.ndarray, axis: int) -> np.ndarray:
    """The max along ``axis`` (keepdims), with non-finite maxima replaced by 0.

    Subtracting the max makes the largest exponent exp(0) = 1, so nothing can
    overflow; a non-finite max (all -inf, +inf or NaN) would turn x - max into
    NaN, so those slices are left unshifted and resolve through the ordinary
    inf/NaN arithmetic described in the module docstring.
    """
    x_max = np.max(x, axis=axis, keepdims=True)
    return np.where(np.isfinite(x_max), x_max, 0).astype(x.dtype, copy=False)


def _prepare(x, axis) -> tuple[np.ndarray, int]:
    x = as_float_array(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension (a vector of scores), got a scalar")
    return x, check_axis(axis, x.ndim)


def _extra_maxima(terms: np.ndarray, axis: int) -> np.ndarray:
    """How many terms beyond the first equal the max: ``ties - 1``, each adding e^0 = 1.

    An all ``-inf`` slice has no max term (every e^{x_i} is 0), so it gives -1:
    the rest is then -1 and ``log1p(-1) = -inf``, the log of an empty sum.
    """
    ties = np.sum(terms == 1, axis=axis, keepdims=True, dtype=terms.dtype)
    return ties - 1


def _log_sum_near_one(terms: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(terms))`` for the terms e^{x_i - m}, refined with ``log1p``.

    The sum is 1 (the max's own term, e^0) plus a rest. Where the rest is tiny,
    ``log(1 + rest)`` rounds it away: for ``[0, -40]``, ``1 + e^-40`` is exactly 1
    in float64 and the log gives 0, not 4.2e-18. So the rest is summed without
    the 1 and ``log1p(rest)`` keeps its digits (scipy's method).
    """
    rest = np.sum(terms, axis=axis, keepdims=True, where=terms != 1)
    return np.log1p(rest + _extra_maxima(terms, axis))


def logsumexp(x, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r"""Compute :math:`\log \sum_i e^{x_i}` along ``axis`` without overflow.

    With :math:`m = \max_i x_i`, :math:`\log \sum_i e^{x_i} = m + \log \sum_i e^{x_i - m}`:
    every term is at most :math:`e^0 = 1`, so none overflows. The log of that sum
    is then refined with ``log1p``, which keeps the digits of the terms below the
    max (``[0, -40]`` shows why: see ``_log_sum_near_one``).

    Parameters
    ----------
    x : array_like
        Scores. Floating dtypes are kept; integers become float64.
    axis : int, default -1
        The axis to reduce.
    keepdims : bool, default False
        Keep the reduced axis with length 1 (handy for broadcasting).

    Returns
    -------
    ndarray
        ``x`` with ``axis`` reduced.

    Examples
    --------
    >>> float(logsumexp([1000.0, 1000.0]))  # log(2 e^1000), no overflow
    1000.6931471805599
    >>> float(logsumexp([0.0, -40.0]))  # e^-40: log(1 + e^-40) would round it to 0
    4.248354255291589e-18
    """
    x, axis = _prepare(x, axis)
    if not isinstance(keepdims, bool | np.bool_):
        raise TypeError(f"keepdims must be True or False, got {keepdims!r}")
    m = _shift(x, axis)  # the max (0 where it is inf or NaN: see _shift)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        terms = np.exp(x - m)
        # The textbook line, m + log(sum(terms)), with its log refined:
        out = m + _log_sum_near_one(terms, axis)
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x, axis: int = -1) -> np.ndarray:
    r"""Turn scores into probabilities: :math:`S(x)_i = e^{x_i} / \sum_j e^{x_j}`.

    The max is subtracted first (softmax does not change when a constant is
    added to every score), so no finite input overflows.

    Parameters
    ----------
    x : array_like
        Scores (logits). Floating dtypes are kept; integers become float64.
    axis : int, default -1
        The axis that holds the classes.

    Returns
    -------
    ndarray
        Same shape and dtype as ``x``; non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> softmax([3.0, 1.0, 0.2]).round(4)
    array([0.836 , 0.1131, 0.0508])
    >>> softmax([1e308, -1e308]).tolist()
    [1.0, 0.0]
    """
    x, axis = _prepare(x, axis)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x - _shift(x, axis))
        return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1) -> np.ndarray:
    r"""Compute :math:`\log S(x)_i = x_i - \log\sum_j e^{x_j}` without overflow or log(0).

    Exact where ``np.log(softmax(x))`` underflows: a probability too small for
    floating point still has a finite log-probability here.

    Accurate as scipy's ``log_softmax`` is: to a few ulps of the largest entry's
    magnitude. Near 0, at the largest score, that is absolute accuracy only:
    ``log_softmax([0, -40])[0]`` is 0.0, not -4.2e-18. :func:`logsumexp`'s ``log1p``
    step would give the tiny value too, at a cost in every training step, for a
    difference below 1e-16 in absolute terms: beneath the rounding of any mean loss
    that is not itself that small.

    Examples
    --------
    >>> log_softmax([0.0, -1000.0]).tolist()
    [0.0, -1000.0]
    """
    x, axis = _prepare(x, axis)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # Subtract the shift before the log-sum, not after: x - max is exact
        # near the top, where x - logsumexp(x) would lose digits to cancellation.
        d = x - _shift(x, axis)
        return d - np.log(np.sum(np.exp(d), axis=axis, keepdims=True))


def naive_softmax(x) -> np.ndarray:
    """The source notes' softmax, kept for contrast: ``exp(x) / sum(exp(x), axis=0)``.

    It sums over ``axis=0`` (the notes put samples in columns) and does not
    subtract the max, so ``exp`` overflows to inf for scores above about 709
    and the result turns to NaN (numpy warns). Use :func:`softmax` instead.

    Examples
    --------
    >>> naive_softmax([3.0, 1.0, 0.2]).round(4)
    array([0.836 , 0.1131, 0.0508])
    """
    x = as_float_array(x, "x")
    return np.exp(x) / np.sum(np.exp(x), axis=0)
