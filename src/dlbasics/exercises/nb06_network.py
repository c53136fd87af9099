"""Notebook 06: backpropagation through one hidden ReLU layer, and He's sigma.

The ReLU's gradient and He's sigma are checked here; the whole backward pass, the
largest of the three checks, in :mod:`.nb06_backprop`.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Mistake, as_array, as_float, call, function_answer, show
from ._core import warned_suffix as _w
from .nb06_backprop import diagnose_hidden_layer, hidden_layer_gradients

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
        again = as_float(call(f, label, fan_in)[0], label)
        if again != sigma and not (np.isnan(sigma) and np.isnan(again)):
            raise Mistake(
                f"{label} gave {sigma:.6g}, then {again:.6g}: it draws a random weight - "
                "return sigma itself, the standard deviation the weights are drawn with."
            )
        expected = he_sigma(fan_in)
        if np.isclose(sigma, expected, rtol=1e-6) and not warned:
            continue
        known = [
            (np.sqrt(1 / fan_in), "that is LeCun's sqrt(1 / fan_in), which keeps the size of a "
             "layer without ReLU; a ReLU zeroes half its inputs, and the variance must make up "
             "for that half"),
            (2 / fan_in, "that is a variance; sigma is the standard deviation, its square root"),
            (1 / fan_in, "that is LeCun's variance 1 / fan_in: sigma is a standard deviation, "
             "and a ReLU layer needs twice LeCun's variance"),
            (np.sqrt(2) / fan_in, "the square root covers the 2 but not fan_in"),
            (np.sqrt(2 * fan_in), "that is upside down: sigma must shrink as fan_in grows"),
        ]  # fmt: skip
        for wrong, why in known:
            if np.isclose(sigma, wrong, rtol=1e-6):
                raise Mistake(f"{label} returned {sigma:.6g}: {why}.")
        raise Mistake(
            f"{label} returned {sigma:.6g}{_w(warned)}, which does not make the factor "
            f"sigma * sqrt(fan_in / 2) equal to 1 (yours gives {sigma * np.sqrt(fan_in / 2):.4g}): "
            "solve that equation for sigma."
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
        diagnose=diagnose_hidden_layer,
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
