"""Notebook 02's exercises: predict the untrained loss; write the mean cross-entropy from logits."""

from __future__ import annotations

import numpy as np

from ..cross_entropy import cross_entropy_from_logits as _ce
from ._core import (
    Exercise,
    Mistake,
    as_float,
    as_number,
    call,
    function_answer,
    reject_known_wrong,
    show,
)
from ._core import warned_suffix as _w


def untrained_loss():
    logits = np.zeros((5, 10))  # all-zero weights: every class gets the same logit
    return cross_entropy_from_logits(logits, np.array([0, 3, 9, 9, 4]))  # -log(1/10) = ln 10


def _diagnose_untrained(answer) -> None:
    value = as_number(answer, "the mean cross-entropy")
    ln10 = np.log(10)
    if abs(value - ln10) <= 0.005:  # worked out on paper: 2.3 is ln 10 to two figures
        return
    known = [
        (0.1, "that is the probability each of the 10 classes gets; the loss is -log of it"),
        (1.0, "that is log base 10 of 10; the loss uses the natural log, ln"),
        (np.log2(10), "that is log base 2 of 10; the loss uses the natural log, ln"),
        (np.log(3), "that is ln 3, the loss of a uniform guess over 3 classes; here there are 10"),
        (-ln10, "cross-entropy is -log S, and S <= 1, so it is never negative"),
        (5 * ln10, "that is the sum over the 5 samples; the training loss is their mean"),
        (10 * ln10, "that sums over the classes; only the true class's -log S counts"),
    ]
    reject_known_wrong(value, known)
    raise Mistake(
        f"{value:.4g} is not it: with all-zero weights every logit is equal, so what "
        "probability does softmax give each class, and what is -log of it?"
    )


def cross_entropy_from_logits(logits, labels):
    logits = np.asarray(logits, dtype=float)
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))  # log-softmax
    return float(-np.mean(log_p[np.arange(len(labels)), labels]))


def _variants(logits, labels) -> list[tuple[float, str]]:
    """What typical mistakes return on these inputs, with the sentence for each."""
    with np.errstate(all="ignore"):
        log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        true = log_p[np.arange(len(labels)), labels]
        return _wrong_entries(logits, labels, log_p) + _wrong_scale(true, logits.shape[1])


def _wrong_entries(logits, labels, log_p) -> list[tuple[float, str]]:
    """A softmax over the wrong entries, or the wrong entries picked from it."""
    rows = np.arange(len(labels))
    log_p0 = logits - np.log(np.exp(logits).sum(0, keepdims=True))
    log_p_all = logits - np.log(np.exp(logits).sum())  # one softmax over the whole batch
    return [
        (
            -log_p_all[rows, labels].mean(),
            "the softmax ran over the whole batch at once - scipy.special.log_softmax "
            "and a sum without an axis do that by default: pass axis=1, one row each",
        ),
        (
            -log_p[:, labels].mean(),
            "log_p[:, labels] picks every sample's log-probability "
            "for every label; take each sample's own class, log_p[np.arange(N), labels]",
        ),
        (
            -log_p0[rows, labels].mean(),
            "the softmax was taken over axis 0 (across samples); the classes are on the last axis",
        ),
        (
            -logits[rows, labels].mean(),
            "you used the raw logits; take the log of "
            "the softmax probabilities (log-softmax) first",
        ),
    ]


def _wrong_scale(true, n_classes: int) -> list[tuple[float, str]]:
    """The right log-probabilities ``true``, summed, signed or scaled wrongly."""
    n = len(true)
    return [
        (
            -true.mean() * n,
            f"the loss grows with the batch: you summed over the {n} samples "
            "instead of taking the mean",
        ),
        (
            true.mean(),
            "the loss is negative: cross-entropy is -log S of the true class, mind the minus sign",
        ),
        (
            -true.mean() / np.log(10),
            "your value is the right one divided by ln 10: use the "
            "natural log np.log, not np.log10",
        ),
        (
            -true.mean() / np.log(2),
            "your value is the right one divided by ln 2: use the natural log np.log, not np.log2",
        ),
        (
            -true.mean() / n_classes,
            f"your value is the right one divided by the {n_classes} classes: "
            "np.mean over the whole N x K array averages the zeros of the one-hot rows "
            "too - sum over the classes, then take the mean over the samples",
        ),
    ]


def _diagnose_cross_entropy(answer) -> None:
    f = function_answer(answer, "my_cross_entropy(logits, labels)")
    cases = [
        (np.array([[2.0, 1.0, 0.1]]), np.array([0])),
        (
            np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0], [1.0, 1.0, 1.0], [0.0, 3.0, -1.0]]),
            np.array([0, 2, 1, 2]),
        ),
        (np.array([[1000.0, 0.0, -1000.0], [5.0, 1.0, 2.0]]), np.array([2, 0])),
        (np.array([[0.0, -np.inf, 1.0], [2.0, 1.0, 0.0]]), np.array([0, 1])),
    ]
    for logits, labels in cases:
        label = f"my_cross_entropy({show(logits)}, {show(labels)})"
        out, warned = call(f, label, logits, labels)
        if labels.size > 1 and np.shape(out) == labels.shape:
            raise Mistake(
                f"{label} returned one loss per sample, {show(out)}: take their mean, "
                "one float for the batch."
            )
        value = as_float(out, label)
        expected = _ce(logits, labels)
        got = f"{label} returned {value:.6g}{_w(warned)}"
        if np.isclose(value, expected, rtol=1e-7) and not warned:
            continue
        _cross_entropy_mistake(logits, labels, value, got, warned)


def _cross_entropy_mistake(logits, labels, value, got, warned) -> None:
    """Raise the Mistake that explains ``value``, a wrong or warning loss on these inputs."""
    expected = _ce(logits, labels)
    _unstable_loss(logits, labels, value, expected, got, warned)
    for wrong, why in _variants(logits, labels):
        if np.isclose(value, wrong, rtol=1e-7):
            raise Mistake(f"{got}, expected {expected:.6g}: {why}.")
    raise Mistake(
        f"{got}, expected {expected:.6g}: the loss is the mean over samples of "
        "-log softmax(logits)[label]."
    )


def _global_max_loss(logits, labels) -> float:
    """The loss of a log-softmax that subtracts the batch's one max, not each row's."""
    with np.errstate(all="ignore"):
        shifted = logits - np.max(logits)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
        return float(-np.mean(log_p[np.arange(len(labels)), labels]))


def _unstable_loss(logits, labels, value, expected, got, warned) -> None:
    """Raise the Mistake of a loss that overflowed, hit log 0 or 0 * -inf, or was capped."""
    if len(logits) > 1 and np.isclose(value, _global_max_loss(logits, labels), rtol=1e-7):
        raise Mistake(
            f"{got}, expected {expected:.6g}: logits.max() is the largest logit of the whole "
            "batch, so a row far below it underflows to exp 0 and log 0 - subtract each "
            "row's own max, logits.max(axis=1, keepdims=True)."
        )
    if np.isnan(value) and np.isneginf(logits).any():
        raise Mistake(
            f"{got}, expected {expected:.6g}: a -inf logit has log-probability -inf, and "
            "0 * -inf (a one-hot zero times it) is nan - pick each row's true class, "
            "log_p[np.arange(N), labels], instead of multiplying by one-hot rows."
        )
    if not np.isfinite(value) or warned:
        if "overflow" in warned:
            what = "exp of a large logit overflows"
        elif np.isinf(value) or "log" in warned:
            what = "log(softmax) rounds a tiny probability to 0 and log 0 = -inf"
        else:
            what = "a step of your function gives nan or warns"
        raise Mistake(
            f"{got}, expected {expected:.6g} - {what}; compute log-softmax directly as "
            "(x - max) - log(sum(exp(x - max))) along the last axis."
        )
    if np.abs(logits[np.isfinite(logits)]).max() >= 1000 and value < 0.5 * expected:
        raise Mistake(
            f"{got}, expected {expected:.6g}: the loss is capped - a small epsilon added "
            "to the probabilities, or a clip, stops -log at about -log(epsilon); compute "
            "log-softmax directly as (x - max) - log(sum(exp(x - max)))."
        )


EXERCISES = [
    Exercise(
        name="untrained_loss",
        notebook="02_cross_entropy",
        stub="untrained_loss = ...",
        answer_name="untrained_loss",
        hint="Equal logits give equal probabilities. How much does each of the 10 classes get?",
        closer_hint="A sample's loss is -log of the probability its true class gets, with the "
        "natural log. Here every sample gets the same loss: what is their mean?",
        explanation="softmax of equal logits is 1/10 for every class, so every sample's loss is "
        "-log(1/10) = ln 10, about 2.3026, and so is the mean: the first loss to expect.",
        passed="ln 10 = 2.3026: every class gets 1/10, and -log(1/10) = ln 10.",
        reference=untrained_loss,
        diagnose=_diagnose_untrained,
    ),
    Exercise(
        name="cross_entropy_from_logits",
        notebook="02_cross_entropy",
        stub="def my_cross_entropy(logits, labels):\n    ...",
        answer_name="my_cross_entropy",
        hint="The loss is the mean over the samples of -log softmax(logits)[label]. What goes "
        "wrong if you take the softmax first and then its log, when one logit is 1000 below "
        "the others?",
        closer_hint="Work in log space: the log of a softmax is the shifted logits minus the "
        "log of the sum of their exponentials, which never takes log 0. Then pick each "
        "row's own label with two index arrays (one for the rows, one for the labels), "
        "not a slice.",
        explanation="Working in log space keeps e^-2000 as -2000 instead of rounding it to 0; "
        "the mean makes the loss independent of the batch size.",
        passed="your loss is right on single samples, batches, huge logits and -inf logits.",
        reference=cross_entropy_from_logits,
        diagnose=_diagnose_cross_entropy,
    ),
]
