r"""Cross-entropy :math:`D(S, L) = -\sum_i L_i \log S_i` and one-hot labels.

``S`` is a predicted distribution (softmax output), ``L`` the target
(one-hot labels). Terms where ``L_i = 0`` count 0, even where ``S_i = 0``
(the convention :math:`0 \log 0 = 0`), so ``D(S, L)`` stays finite while
``D(L, S)`` is honestly ``+inf`` whenever ``S`` is positive where ``L`` is 0:
cross-entropy is not symmetric.
"""

from __future__ import annotations

import numpy as np
from scipy.special import entr, xlogy

from ._memory import check_memory
from ._validation import (
    as_array,
    as_float_array,
    as_int_labels,
    check_axis,
    check_positive_int,
)
from .softmax import log_softmax


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Encode integer class ids as one-hot rows (the last axis holds the classes).

    Examples
    --------
    >>> one_hot([0, 2], n_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    labels = as_int_labels(labels, n_classes=n_classes)
    shape = (*labels.shape, n_classes)
    check_memory(labels.size * n_classes * 8, f"the one-hot labels of shape {shape}", "n_classes")
    L = np.zeros(shape)
    np.put_along_axis(L, labels[..., np.newaxis], 1.0, axis=-1)  # a 1 at each label's class
    return L


# How far from 1 a distribution's sum may be: the square root of float32's eps, or of the
# dtype's own where that is coarser (float16). Rounding, not a mistake: a softmax computed
# in float32 and stored as float64 is off by about 1e-7, more than float64's own 1.5e-8.
SUM_TOLERANCE = float(np.sqrt(np.finfo(np.float32).eps))  # 3.5e-4


def _check_distributions(p: np.ndarray, name: str, axis: int) -> None:
    """Each slice along ``axis`` a distribution: values in [0, 1] that sum to 1, within
    ``SUM_TOLERANCE`` (or ``sqrt(eps)`` of a coarser dtype). A slice holding NaN passes."""
    bad = (p < 0) | (p > 1)  # NaN is let through: it propagates to the result
    if np.any(bad):
        raise ValueError(f"{name} must hold probabilities in [0, 1], got {p[bad].flat[0]}")
    total = np.sum(p, axis=axis)
    tolerance = max(SUM_TOLERANCE, float(np.sqrt(np.finfo(p.dtype).eps)))
    off = np.abs(total - 1) > tolerance  # False where NaN
    if np.any(off):
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}, got a sum of {total[off].flat[0]}"
        )


def _xlogy_of_log(L: np.ndarray, log_S: np.ndarray) -> np.ndarray:
    """``xlogy(L, S)`` given ``log S`` (from ``log_softmax``), with scipy's rule for xlogy.

    ``scipy.special.xlogy`` takes ``S`` itself, and ``exp(log_S)`` would round the
    tiny probabilities back to 0 that ``log_softmax`` keeps finite. Its rule, kept:
    a term is 0 where ``L`` is 0 (``0 log 0 = 0``), unless ``log S`` is NaN.
    """
    with np.errstate(invalid="ignore"):  # 0 * -inf, replaced by 0 below
        return np.where((L == 0) & ~np.isnan(log_S), 0.0, L * log_S)


def entropy(p, axis: int = -1) -> np.ndarray:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \ln p_i` in nats, with :math:`0 \ln 0 = 0`.

    ``ln K`` for the uniform distribution over K classes (most uncertain), 0 for
    a one-hot one (certain). It is the cross-entropy of ``p`` with itself,
    ``cross_entropy(p, p)``. Each slice along ``axis`` must be a distribution:
    values in [0, 1] summing to 1 (within 3.5e-4: far more than any softmax's
    rounding, far less than a mistake); a slice holding NaN gives NaN.

    Each term is ``scipy.special.entr(p_i)`` = :math:`-p_i \ln p_i` (0 at 0).

    Examples
    --------
    >>> round(float(entropy([0.5, 0.5])), 4)  # ln 2
    0.6931
    >>> float(entropy([1.0, 0.0]))
    0.0
    """
    p = as_float_array(p, "p")
    if p.ndim == 0:
        raise ValueError("p must have at least one dimension (a distribution), got a scalar")
    axis = check_axis(axis, p.ndim)
    _check_distributions(p, "p", axis)
    return np.sum(entr(p), axis=axis) + 0.0  # + 0.0 turns -0.0 (certain) into 0.0


def cross_entropy(S, L, axis: int = -1) -> np.ndarray:
    r"""Cross-entropy :math:`D(S, L) = -\sum_i L_i \log S_i` for each sample.

    Each term :math:`L_i \log S_i` is ``scipy.special.xlogy(L_i, S_i)``: 0 where
    ``L_i`` is 0, even where ``S_i`` is 0; NaN wherever ``S_i`` or ``L_i`` is NaN.

    Parameters
    ----------
    S : array_like
        Predicted probabilities: values in [0, 1], each slice along ``axis`` summing
        to 1 (within 3.5e-4, as for :func:`entropy`).
    L : array_like
        Target probabilities (usually one-hot labels), same shape as ``S``, each
        slice a distribution too.
    axis : int, default -1
        The axis holding the classes; it is summed away.

    Returns
    -------
    ndarray or float
        One loss per sample: ``S`` with ``axis`` removed. ``+inf`` where the
        target has mass on a class that ``S`` gives probability 0.

    Examples
    --------
    >>> S = [0.7, 0.2, 0.1]
    >>> L = [1.0, 0.0, 0.0]
    >>> round(float(cross_entropy(S, L)), 4)  # -log 0.7
    0.3567
    >>> float(cross_entropy(L, S))  # not symmetric: log 0 where S has mass
    inf
    """
    S = as_float_array(S, "S")
    L = as_float_array(L, "L")
    if S.shape != L.shape:
        raise ValueError(f"S and L must have the same shape, got S {S.shape} and L {L.shape}")
    if S.ndim == 0:
        raise ValueError("S must have at least one dimension (a distribution), got a scalar")
    axis = check_axis(axis, S.ndim)
    _check_distributions(S, "S", axis)
    _check_distributions(L, "L", axis)
    return -np.sum(xlogy(L, S), axis=axis) + 0.0  # + 0.0: a perfect prediction gives 0.0, not -0.0


def cross_entropy_from_logits(logits, labels) -> float:
    r"""Mean cross-entropy over a batch, from raw scores, through ``log_softmax``.

    Computing ``log(softmax(logits))`` would round tiny probabilities to 0 and
    return ``inf``; ``log_softmax`` keeps them finite, so this is the form to
    train with.

    Parameters
    ----------
    logits : array_like, shape (n_samples, n_classes)
        Raw scores, e.g. ``X @ W + b``.
    labels : array_like
        Integer class ids, shape (n_samples,), or target distributions (e.g.
        one-hot rows), shape (n_samples, n_classes).

    Returns
    -------
    float
        :math:`\frac{1}{N}\sum_n D(S(z_n), L_n)`.

    Examples
    --------
    >>> round(cross_entropy_from_logits([[3.0, 1.0, 0.2]], [0]), 4)
    0.1791
    >>> cross_entropy_from_logits([[0.0, -1000.0]], [1])  # finite, unlike log(softmax)
    1000.0
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes), got shape {logits.shape}")
    n_samples, n_classes = logits.shape
    log_p = log_softmax(logits, axis=-1)
    labels_arr = as_array(labels, "labels")
    if labels_arr.ndim == 1:
        ids = as_int_labels(labels_arr, n_classes=n_classes)
        if ids.shape[0] != n_samples:
            raise ValueError(
                f"labels has {ids.shape[0]} entries but logits has {n_samples} rows; "
                "expected one label per sample"
            )
        return float(-np.mean(log_p[np.arange(n_samples), ids])) + 0.0  # 0.0, never -0.0
    if labels_arr.ndim == 2:
        target = as_float_array(labels_arr, "labels")
        if target.shape != logits.shape:
            raise ValueError(
                f"one-hot labels must have the shape of logits {logits.shape}, got {target.shape}"
            )
        _check_distributions(target, "labels", 1)
        return float(np.mean(-np.sum(_xlogy_of_log(target, log_p), axis=-1)))
    raise ValueError(
        "labels must be class ids of shape (n_samples,) or one-hot rows of shape "
        f"(n_samples, n_classes), got shape {labels_arr.shape}"
    )
