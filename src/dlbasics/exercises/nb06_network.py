"""Notebook 06: backpropagation through one hidden ReLU layer, and He's sigma."""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Mistake, as_array, as_float, call, function_answer, show
from ._core import warned_suffix as _w

# --------------------------------------------------------------- relu_backward


def relu_backward(dout, z):
    # relu(z) = max(z, 0) has slope 1 where z > 0 and 0 where z <= 0 (0 at z = 0 too):
    # the upstream gradient passes where the unit was on in the forward pass.
    return dout * (z > 0)


def _relu_cases():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    dout = np.array([1.5, -2.0, 4.0, -1.0, 2.0])  # both signs, and nonzero at z = 0
    rng = np.random.default_rng(0)
    z2 = rng.normal(size=(3, 4))
    z2[0, 0] = 0.0
    return [(dout, z), (rng.normal(size=(3, 4)), z2)]


def _relu_mistakes(dout, z):
    """Typical wrong answers on (dout, z), each with the sentence that explains it."""
    return [
        (dout * (z >= 0), "lets the gradient through where z = 0; relu is flat for z <= 0, "
         "so the mask is z > 0"),
        (dout * (dout > 0), "takes the mask from dout; it comes from the forward pass: "
         "where z > 0"),
        (dout, "is dout unchanged: the ReLU mask is missing - zero it where z <= 0"),
        ((z > 0) * 1.0, "is the mask alone: the chain rule multiplies it by the upstream "
         "gradient dout"),
        (dout * np.maximum(z, 0), "multiplies dout by relu(z); the chain rule needs relu's "
         "slope, 1 where z > 0 and 0 elsewhere"),
        (dout * z, "multiplies dout by z; the chain rule needs relu's slope, 1 where z > 0 "
         "and 0 elsewhere"),
    ]  # fmt: skip


def _diagnose_relu_backward(answer) -> None:
    f = function_answer(answer, "my_relu_backward(dout, z)")
    for dout, z in _relu_cases():
        label = f"my_relu_backward(dout={show(dout)}, z={show(z)})"
        given_dout, given_z = dout.copy(), z.copy()
        out, warned = call(f, label, given_dout, given_z, copy_args=False)
        if not (np.array_equal(given_dout, dout) and np.array_equal(given_z, z)):
            raise Mistake(
                f"{label} changed its input in place: build a new array, e.g. "
                "dout * (z > 0) - the caller may still need dout."
            )
        out = as_array(out, label, z.shape)
        expected = relu_backward(dout, z)
        if np.allclose(out, expected) and not warned:
            continue
        for wrong, why in _relu_mistakes(dout, z):
            if np.allclose(out, wrong):
                raise Mistake(f"{label} returned {show(out)}: that {why}.")
        raise Mistake(
            f"{label} returned {show(out)}{_w(warned)}, expected {show(expected)}: dz "
            "is dout where z > 0 and 0 where z <= 0."
        )


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
        (tuple(-g for g in right), "all four point uphill: the sign is flipped, the gradient "
         "at the logits is (S - L), not (L - S)"),
        ((dW1, db1, z.T @ G, db2), "dW2 = z.T @ G uses z; W2 multiplies h = relu(z), so "
         "dW2 = h.T @ G"),
        (_backward_from(S / n, z, W2, X), "the labels are left out - the gradient at the "
         "logits is (S - L) / N: subtract 1 at each sample's true class"),
    ]  # fmt: skip


def _shape_advice(err: Exception) -> str:
    if isinstance(err, ValueError) and "matmul" in str(err):  # (broadcasting: common_advice)
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


def _diagnose_hidden_layer(answer) -> None:
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
        k = next(i for i in (2, 3, 0, 1) if not close[i])  # the first wrong one, going backward
        raise Mistake(
            f"{label}: {_NAMES[k]} = {show(grads[k])}, expected {show(right[k])} - go backward one "
            "step at a time: G = (S - L) / N, dW2 = h.T @ G, dh = G @ W2.T, dz = dh * (z > 0), "
            "dW1 = X.T @ dz."
        )


# --------------------------------------------------------------------- he_sigma


def he_sigma(fan_in):
    # A ReLU zeroes about half its inputs, halving the mean square that reaches the next
    # layer; weights of variance 2 / fan_in make up for it, so the std is the square root.
    return float(np.sqrt(2 / fan_in))


def _diagnose_he_sigma(answer) -> None:
    f = function_answer(answer, "my_he_sigma(fan_in)")
    for fan_in in (784, 256, 1):
        label = f"my_he_sigma({fan_in})"
        out, warned = call(f, label, fan_in)
        sigma = as_float(out, label)
        expected = he_sigma(fan_in)
        if np.isclose(sigma, expected, rtol=1e-6) and not warned:
            continue
        known = [
            (np.sqrt(1 / fan_in), "that is LeCun's sqrt(1 / fan_in); He's doubles the variance "
             "to 2 / fan_in because a ReLU zeroes half its inputs"),
            (2 / fan_in, "that is the variance 2 / fan_in; sigma is the standard deviation, its "
             "square root"),
            (1 / fan_in, "that is LeCun's variance 1 / fan_in; He's sigma is sqrt(2 / fan_in), "
             "a standard deviation with the factor 2 for the ReLU"),
            (np.sqrt(2) / fan_in, "the square root covers the 2 but not fan_in: sqrt(2 / fan_in)"),
            (np.sqrt(2 * fan_in), "that is upside down: sqrt(2 / fan_in) shrinks as fan_in "
             "grows"),
        ]  # fmt: skip
        for wrong, why in known:
            if np.isclose(sigma, wrong, rtol=1e-6):
                raise Mistake(f"{label} returned {sigma:.6g}: {why}.")
        raise Mistake(
            f"{label} returned {sigma:.6g}{_w(warned)}, expected {expected:.6g}: weights of "
            "variance 2 / fan_in keep a ReLU layer's output as large as its input."
        )


_NB = "06_one_hidden_layer"

EXERCISES = [
    Exercise(
        name="relu_backward",
        notebook=_NB,
        stub="def my_relu_backward(dout, z):\n    ...",
        answer_name="my_relu_backward",
        hint="What is the slope of max(z, 0) on each side of 0? The chain rule multiplies the "
        "upstream gradient by that slope.",
        closer_hint="The slope is 1 where the unit was on in the forward pass (z strictly "
        "positive) and 0 elsewhere, z = 0 included; multiply dout by it elementwise, into a "
        "new array.",
        explanation="The ReLU passes the upstream gradient where its input was positive and "
        "blocks it elsewhere: dz = dout * (z > 0), with the mask from the forward pass's z.",
        passed="dz is dout where z > 0 and 0 where z <= 0, on vectors and matrices.",
        reference=relu_backward,
        diagnose=_diagnose_relu_backward,
    ),
    Exercise(
        name="hidden_layer_gradients",
        notebook=_NB,
        stub="def my_hidden_layer_gradients(W1, b1, W2, b2, X, y):\n    ...",
        answer_name="my_hidden_layer_gradients",
        hint="Run the forward pass and keep what each layer saw. Then go backward from the "
        "gradient at the logits, one layer at a time, as in the derivation above: the output "
        "layer, the hidden activations, the ReLU, the first layer.",
        closer_hint="Each weight gradient is that layer's input, transposed, times the gradient "
        "at its output; the gradient reaches the hidden layer through W2 transposed and passes "
        "the ReLU only where z was positive. Write the shape under every product; biases add "
        "up the rows.",
        explanation="The chain rule from the top: each layer's weight gradient is its input "
        "transposed times the gradient at its output, and the gradient flows down through "
        "W2.T and the ReLU mask. Writing the shapes under each product finds every transpose.",
        passed="all four gradients match, for small and huge logits.",
        reference=hidden_layer_gradients,
        diagnose=_diagnose_hidden_layer,
    ),
    Exercise(
        name="he_sigma",
        notebook=_NB,
        stub="def my_he_sigma(fan_in):\n    ...",
        answer_name="my_he_sigma",
        hint="LeCun's weights have variance 1 / fan_in. A ReLU halves the mean square it "
        "passes on; what variance makes up for it, and what is sigma then?",
        closer_hint="Twice LeCun's variance makes up for the half a ReLU zeroes; sigma is a "
        "standard deviation, so take the square root of that variance.",
        explanation="Var(z) = fan_in * sigma^2 * E[h^2], and a ReLU layer's E[h^2] is half "
        "the variance of its input; sigma^2 = 2 / fan_in keeps Var(z) the same layer after "
        "layer.",
        passed="sqrt(2 / fan_in) for every fan_in.",
        reference=he_sigma,
        diagnose=_diagnose_he_sigma,
    ),
]
