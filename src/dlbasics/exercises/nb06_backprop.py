"""Notebook 06, Exercise 2: the gradients of a hidden ReLU layer's network, checked.

The reference (:func:`hidden_layer_gradients`), the small problems it is checked on, and
the typical wrong answers, each with the sentence that explains it.
"""

from __future__ import annotations

import numpy as np

from ._core import Mistake, as_array, call, function_answer, show
from ._core import warned_suffix as _w

# ------------------------------------------------------ hidden_layer_gradients


def hidden_layer_gradients(W1, b1, W2, b2, X, y):
    z = X @ W1 + b1  # forward: (N, D) @ (D, H) -> (N, H)
    h = np.maximum(z, 0)  # relu
    logits = h @ W2 + b2  # (N, H) @ (H, K) -> (N, K)
    S = np.exp(logits - logits.max(axis=-1, keepdims=True))
    S /= S.sum(axis=-1, keepdims=True)  # softmax, one row per sample
    G = S.copy()
    G[np.arange(len(y)), y] -= 1  # S - L, with L the one-hot labels
    G /= len(y)  # the loss is a mean over the N samples
    dW2, db2 = h.T @ G, G.sum(axis=0)  # backward through logits = h W2 + b2
    dh = G @ W2.T  # (N, K) @ (K, H) -> (N, H)
    dz = dh * (z > 0)  # through the relu: only where the unit was on
    return X.T @ dz, dz.sum(axis=0), dW2, db2


_NAMES = ("dW1", "db1", "dW2", "db2")


def _network_problem(rng, scale):
    n, d, h, k = 7, 4, 5, 3  # all different, so that a transpose shows in the shapes
    W1, b1 = rng.normal(0, 1, (d, h)), rng.normal(0, 0.5, h)
    W2, b2 = rng.normal(0, scale, (h, k)), rng.normal(0, 0.5, k)
    return W1, b1, W2, b2, rng.normal(0, 1, (n, d)), np.arange(n) % k


def _backward_from(G, z, W2, X, mask=None):
    """The backward pass from ``G``, the gradient at the logits, with the ReLU ``mask``."""
    dh = G @ W2.T
    dz = dh * ((z > 0) if mask is None else mask)
    return X.T @ dz, dz.sum(axis=0), np.maximum(z, 0).T @ G, G.sum(axis=0)


def _network_mistakes(W1, b1, W2, b2, X, y):
    """Typical wrong gradients on the problem, each with the sentence that explains it."""
    n = len(y)
    z = X @ W1 + b1
    logits = np.maximum(z, 0) @ W2 + b2
    S = np.exp(logits - logits.max(axis=-1, keepdims=True))
    S /= S.sum(axis=-1, keepdims=True)
    G = S.copy()
    G[np.arange(n), y] -= 1
    G /= n
    dW1, db1, dW2, db2 = right = _backward_from(G, z, W2, X)
    dh = G @ W2.T
    return [
        ((X.T @ dh, dh.sum(axis=0), dW2, db2), "dW2 and db2 are right, but dW1 and db1 let "
         "the gradient through every hidden unit: the ReLU mask is missing - multiply dh by "
         "(z > 0)"),
        (_backward_from(G, z, W2, X, mask=dh > 0), "dW2 and db2 are right, but the ReLU mask "
         "is taken from dh; it comes from the forward pass, z > 0"),
        (tuple(n * g for g in right), f"all four are {n} times too large, the batch size: "
         "that is the gradient of the sum; the loss is a mean - divide (S - L) by N"),
        (tuple(g / n for g in right), f"all four are {n} times too small: G = (S - L) / N "
         "already holds the 1/N of the mean, so divide by N once, not again"),
        ((dW1, db1 / n, dW2, db2 / n), f"db1 and db2 are {n} times too small: G already "
         "holds the 1/N, so sum the rows (axis=0) rather than take their mean"),
        (tuple(-g for g in right), "all four point uphill: the sign is flipped, the gradient "
         "at the logits is (S - L), not (L - S)"),
        ((dW1, db1, z.T @ G, db2), "dW2 = z.T @ G uses z; W2 multiplies h = relu(z), so "
         "dW2 = h.T @ G"),
        (_backward_from(S / n, z, W2, X), "the labels are left out - the gradient at the "
         "logits is (S - L) / N: subtract 1 at each sample's true class"),
    ]  # fmt: skip


def _shape_advice(err: Exception) -> str:
    text = str(err)  # np.matmul's and np.dot's words for it (broadcasting: common_advice)
    if isinstance(err, ValueError) and ("matmul" in text or "not aligned" in text):
        return (
            "a product's shapes don't line up, so one factor needs a transpose: write the "
            "shapes under each product, e.g. dh = G @ W2.T is (N, K) @ (K, H) and "
            "dW1 = X.T @ dz is (D, N) @ (N, H)"
        )
    return ""


def _gradient_arrays(out, label, params, n):
    """The learner's four gradients as arrays of the parameters' shapes, or a Mistake."""
    if not (isinstance(out, tuple | list) and len(out) == 4):
        raise Mistake(
            f"{label} returned {type(out).__name__}, expected four arrays (dW1, db1, dW2, db2)."
        )
    shapes, wanted = [np.shape(g) for g in out], [p.shape for p in params]
    if shapes != wanted and sorted(shapes) == sorted(wanted):
        raise Mistake(
            f"{label} returned arrays of shapes {shapes}: the right shapes in another order - "
            "return them as (dW1, db1, dW2, db2)."
        )
    grads = []
    for g, name, param in zip(out, _NAMES, params, strict=True):
        g = as_array(g, f"{label}, {name}", None)
        if param.ndim == 2 and g.shape == param.shape[::-1]:
            raise Mistake(
                f"{label}: {name} has shape {g.shape}, the transpose of the weights' "
                f"{param.shape} - a product has its factors transposed (a transposed product): "
                "dW1 = X.T @ dz and dW2 = h.T @ G."
            )
        if param.ndim == 1 and g.shape == (n, param.size):
            raise Mistake(
                f"{label}: {name} has shape {g.shape}, one row per sample - sum over the "
                "samples (axis=0)."
            )
        grads.append(as_array(g, f"{label}, {name}", param.shape))
    return grads


def _close(a, b) -> bool:
    return np.allclose(a, b, rtol=1e-6, atol=1e-9)


def diagnose_hidden_layer(answer) -> None:
    f = function_answer(answer, "my_hidden_layer_gradients(W1, b1, W2, b2, X, y)")
    rng = np.random.default_rng(0)
    for scale in (1.0, 300.0):
        problem = _network_problem(rng, scale)
        W1, b1, W2, b2, X, y = problem
        label = (
            f"my_hidden_layer_gradients on N = {len(y)} samples (W1 {W1.shape}, W2 {W2.shape} "
            f"of std {scale:g})"
        )
        out, warned = call(f, label, *problem, advice=_shape_advice)
        grads = _gradient_arrays(out, label, (W1, b1, W2, b2), len(y))
        if not all(np.all(np.isfinite(g)) for g in grads):
            raise Mistake(
                f"{label} gave non-finite gradients{_w(warned)} - the softmax overflows; "
                "subtract each row's max logit before exp."
            )
        right = hidden_layer_gradients(*problem)
        close = [_close(g, r) for g, r in zip(grads, right, strict=True)]
        if all(close) and not warned:
            continue
        if all(close):
            raise Mistake(f"{label}: right gradients, but a step warns ({warned}) - find it.")
        for wrong, why in _network_mistakes(*problem):
            if all(
                np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(grads, wrong, strict=True)
            ):
                raise Mistake(f"{label}: {why}.")
        if not close[3] and close[2]:  # dW2 = h.T @ G is right, so G is: db2 alone
            raise Mistake(
                f"{label}: db2 = {show(grads[3])}, expected {show(right[3])}, while dW2 is right "
                "- db2 is G summed over the samples, G.sum(axis=0)."
            )
        if not close[3]:  # db2 is G summed: G itself is wrong
            raise Mistake(
                f"{label}: db2 = {show(grads[3])}, expected {show(right[3])}, so G, the gradient "
                "at the logits, is off - check the forward pass (z = X @ W1 + b1, h = relu(z)), "
                "the softmax over each row, and G = (S - L) / N with one-hot labels L."
            )
        k = next(i for i in (2, 0, 1) if not close[i])  # the first wrong one, going backward
        raise Mistake(
            f"{label}: {_NAMES[k]} = {show(grads[k])}, expected {show(right[k])} - go backward one "
            "step at a time: G = (S - L) / N, dW2 = h.T @ G, dh = G @ W2.T, dz = dh * (z > 0), "
            "dW1 = X.T @ dz."
        )
