"""Notebook 05: the gradients of the loss by hand, and a numerical gradient to check them."""

from __future__ import annotations

import numpy as np

from ..cross_entropy import cross_entropy_from_logits
from ..softmax import softmax
from ._core import Exercise, Mistake, as_array, call, function_answer, show
from ._core import warned_suffix as _w


def gradients(W, b, X, y):
    logits = X @ W + b
    S = np.exp(logits - logits.max(axis=-1, keepdims=True))
    S /= S.sum(axis=-1, keepdims=True)  # softmax, one row per sample
    G = S.copy()
    G[np.arange(len(y)), y] -= 1  # S - L, with L the one-hot labels
    G /= len(y)  # the loss is a mean over the N samples
    return X.T @ G, G.sum(axis=0)


def _problem(rng, n, scale=1.0):
    n_features, n_classes = 4, 3
    W = rng.normal(0, scale, (n_features, n_classes))
    b = rng.normal(0, scale, n_classes)
    X = rng.normal(0, 1, (n, n_features))
    y = rng.integers(0, n_classes, n)
    return W, b, X, y


def _finite_differences(W, b, X, y, h=1e-6):
    """Central differences of the reference loss, for every entry of W and b."""
    grads = []
    for param in (W, b):
        grad = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            old = param[i]
            param[i] = old + h
            up = cross_entropy_from_logits(X @ W + b, y)
            param[i] = old - h
            down = cross_entropy_from_logits(X @ W + b, y)
            param[i] = old
            grad[i] = (up - down) / (2 * h)
        grads.append(grad)
    return grads


def _diagnose_gradients(answer) -> None:
    f = function_answer(answer, "my_gradients(W, b, X, y)")
    rng = np.random.default_rng(0)
    for n, scale in ((5, 1.0), (12, 1.0), (6, 300.0)):
        W, b, X, y = _problem(rng, n, scale)
        label = f"my_gradients on N = {n} samples (W {W.shape}, logits of size ~{scale:g})"
        out, warned = call(f, label, W, b, X, y)
        if not (isinstance(out, tuple | list) and len(out) == 2):
            raise Mistake(f"{label} returned {type(out).__name__}, expected a pair (dW, db).")
        dW, db = (
            as_array(g, f"{label}, {name}", None) for g, name in zip(out, ("dW", "db"), strict=True)
        )
        if dW.shape == W.shape[::-1]:
            raise Mistake(
                f"{label}: dW has shape {dW.shape}, the transpose of W's {W.shape} - "
                "dW = X.T @ (S - L) / N."
            )
        dW = as_array(dW, f"{label}, dW", W.shape)
        if db.shape == (n, b.size):
            raise Mistake(
                f"{label}: db has shape {db.shape}, one row per sample - sum "
                "(S - L) / N over the samples (axis=0)."
            )
        db = as_array(db, f"{label}, db", b.shape)
        if not (np.all(np.isfinite(dW)) and np.all(np.isfinite(db))):
            raise Mistake(
                f"{label} gave non-finite gradients{_w(warned)} - the softmax "
                "overflows; subtract each row's max logit before exp."
            )
        true_dW, true_db = gradients(W, b, X, y)
        ok_W = np.allclose(dW, true_dW, rtol=1e-6, atol=1e-9)
        ok_db = np.allclose(db, true_db, rtol=1e-6, atol=1e-9)
        if ok_W and ok_db and not warned:
            continue
        if ok_W and ok_db:
            advice = "subtract the max logit before exp" if "overflow" in warned else "find it"
            raise Mistake(f"{label}: right gradients, but a step warns ({warned}) - {advice}.")
        if ok_W:
            how = (
                "too small by N: sum over samples, not mean"
                if np.allclose(db, true_db / n)
                else "N times too large: divide the sum by N"
                if np.allclose(db, true_db * n)
                else "db = sum over samples of (S - L) / N"
            )
            raise Mistake(
                f"{label}: dW is right but db = {show(db)}, expected {show(true_db)} - {how}."
            )
        _wrong_gradient(label, dW, db, (W, b, X, y), scale)


def _wrong_gradient(label, dW, db, problem, scale) -> None:
    """Raise the Mistake that explains a wrong ``dW`` (and ``db``) on ``problem``."""
    W, b, X, y = problem
    n = len(y)
    true_dW, true_db = gradients(W, b, X, y)
    S = softmax(X @ W + b)
    for factor, why in (
        (-1.0, "points uphill: the sign is flipped, the gradient is (S - L), not (L - S)"),
        (n, f"is {n} times too large, the batch size: the loss is a mean, divide by N"),
        (1.0 / n, f"is {n} times too small: divide by N once, not twice"),
    ):
        if np.allclose(dW, factor * true_dW) and np.allclose(db, factor * true_db):
            raise Mistake(f"{label}: your gradient {why}.")
    if np.allclose(dW, X.T @ S / n) and np.allclose(db, S.sum(axis=0) / n):
        raise Mistake(
            f"{label}: your gradient is X.T @ S / N, without the labels - the derivative of "
            "the loss by the logits is S - L: subtract 1 at each sample's true class."
        )
    if scale == 1.0:
        reference, source = _finite_differences(W, b, X, y)[0], "central differences give"
    else:  # logits too steep for finite differences: compare with the analytic gradient
        reference, source = true_dW, "the gradient is"
    k = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(dW - reference)), W.shape))
    raise Mistake(
        f"{label}: dW{list(k)} = {dW[k]:.6g}, but {source} {reference[k]:.6g} - "
        "dW = X.T @ (softmax(X @ W + b) - one_hot(y)) / N."
    )


def numerical_gradient(loss, w, h=1e-5):
    grad = np.zeros_like(w, dtype=float)
    for i in np.ndindex(w.shape):  # every entry, whatever the shape of w
        old = w[i]
        w[i] = old + h
        up = loss(w)
        w[i] = old - h
        down = loss(w)
        w[i] = old  # restore w before the next entry
        grad[i] = (up - down) / (2 * h)
    return grad


def _cubic(w):
    return float(np.sum(w**3) + w.flat[0] * w.flat[-1])


def _diagnose_numerical(answer) -> None:
    f = function_answer(answer, "my_numerical_gradient(loss, w, h=1e-5)")
    for w in (np.array([1.0, -2.0, 0.5]), np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 3.0]])):
        label = f"my_numerical_gradient(sum(w**3) + w[0]*w[-1], {show(w)})"
        given = w.copy()  # passed as is, to see whether the function puts every entry back
        out, warned = call(f, label, _cubic, given, copy_args=False)
        if not np.array_equal(given, w):
            raise Mistake(
                f"{label} left w changed (an entry moved by {np.abs(given - w).max():.2g}): "
                "put each entry back (w[i] = old) after nudging it - the caller's weights "
                "must not move."
            )
        out = as_array(out, label, w.shape)
        expected = 3 * w**2
        expected.flat[0] += w.flat[-1]
        expected.flat[-1] += w.flat[0]
        got = f"{label} returned {show(out)}{_w(warned)}"
        if np.allclose(out, expected, rtol=1e-7, atol=1e-7) and not warned:
            continue
        forward = np.array([(_nudged(w, i, 1e-5) - _cubic(w)) / 1e-5 for i in np.ndindex(w.shape)])
        if np.allclose(out, forward.reshape(w.shape), rtol=1e-9):
            raise Mistake(
                f"{got}: off by about h - a forward difference; use central "
                "differences (loss(w + h) - loss(w - h)) / 2h, accurate to h^2."
            )
        if np.allclose(out, 2 * expected, rtol=1e-6):
            raise Mistake(
                f"{got}: twice the gradient - (loss(w + h) - loss(w - h)) spans 2h, "
                "so divide by 2h."
            )
        k = np.unravel_index(np.argmax(np.abs(out - expected)), w.shape)
        worst = f"entry {tuple(int(i) for i in k)} is {out[k]:.10g}, expected {expected[k]:.10g}"
        if np.allclose(out, expected, rtol=1e-3):
            raise Mistake(
                f"{label}: {worst}, off by {abs(out[k] - expected[k]):.2g} - central "
                "differences with h = 1e-5 are off by about h^2 = 1e-10 here: nudge by the h "
                "you are given, up and down by the same h."
            )
        raise Mistake(
            f"{got}, expected {show(expected)}: nudge one entry at a time "
            "(np.ndindex(w.shape) visits every entry of any shape) and restore it."
        )


def _nudged(w, i, h):
    w = w.copy()
    w[i] += h
    return _cubic(w)


EXERCISES = [
    Exercise(
        name="gradients",
        notebook="05_training_the_classifier",
        stub="def my_gradients(W, b, X, y):\n    ...",
        answer_name="my_gradients",
        hint="Differentiate in two steps (the chain rule): the loss by the logits, as the "
        "lesson derived, then the logits z = X W + b by W and by b.",
        closer_hint="The derivative of the mean loss by the logits has one row per sample: "
        "the softmax minus the one-hot labels, over N. For W, multiply it by what multiplies "
        "W in z; b is shared by every sample, so add up its rows.",
        explanation="The derivative of the loss with respect to the logits is (S - L) / N; the "
        "chain rule through z = X W + b gives X.T @ G for W and the column sums for b.",
        passed="your dW and db match central differences of the loss, for small and huge logits.",
        reference=gradients,
        diagnose=_diagnose_gradients,
    ),
    Exercise(
        name="numerical_gradient",
        notebook="05_training_the_classifier",
        stub="def my_numerical_gradient(loss, w, h=1e-5):\n    ...",
        answer_name="my_numerical_gradient",
        hint="A derivative is a slope between two nearby points. Which two points around w "
        "give an error of order h^2 rather than h?",
        closer_hint="One entry at a time (np.ndindex visits every entry of any shape): move "
        "it up by h and evaluate the loss, down by h and evaluate again, then put it back; "
        "the slope is the difference over the distance between the two points.",
        explanation="Central differences are accurate to h^2 (forward ones only to h), which is "
        "what makes a gradient check with relative error near 1e-7 possible.",
        passed="central differences on vectors and matrices, accurate to h^2.",
        reference=numerical_gradient,
        diagnose=_diagnose_numerical,
    ),
]
