"""Notebook 01's exercises: write softmax, a two-class softmax (the sigmoid), and find a scale."""

from __future__ import annotations

import numpy as np

from ..softmax import softmax as _softmax
from ._core import Exercise, Mistake, as_array, as_number, call, function_answer, show
from ._core import warned_suffix as _w


def softmax(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))  # the max shift: nothing overflows
    return e / np.sum(e, axis=-1, keepdims=True)


def _advice(err: Exception) -> str:
    if "broadcast" in str(err):
        return (
            "the row max or the row sums have one entry per row; keep the reduced axis "
            "(keepdims=True)"
        )
    if type(err).__name__ == "AxisError":
        return "a 1-D input has no axis 1; axis=-1, the last axis, holds the classes in 1-D and 2-D"
    return ""


def _diagnose_softmax(answer) -> None:
    f = function_answer(answer, "my_softmax(x)")
    cases = [
        np.array([3.0, 1.0, 0.2]),
        np.array([[1.0, 2.0, 3.0], [2.0, 0.0, -1.0]]),
        np.array([[1.0, 2.0, 0.5], [3.0, 0.0, 1.0], [0.0, 0.0, 0.0]]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1000.0, -1001.0, -1002.0]),
        np.array([[1000.0, 1001.0], [0.0, 1.0]]),
        np.array([0.0, -np.inf, 1.0]),
        np.array([[3.0, 1.0, 0.2]], dtype=np.float32),
    ]
    for x in cases:
        label = f"my_softmax({show(x)})"
        out, warned = call(f, label, x, advice=_advice)
        out = as_array(out, label, x.shape)
        expected = _softmax(x)
        if np.allclose(out, expected, rtol=1e-5, atol=1e-7) and not warned:
            continue
        with np.errstate(all="ignore"):  # the mistakes below are recomputed, not run
            _softmax_mistake(x, out, expected, f"{label} returned {show(out)}{_w(warned)}", warned)


def _softmax_mistake(x, out, expected, got, warned) -> None:
    """Raise the Mistake that explains ``out``, the wrong softmax of ``x``."""
    _unstable_softmax(x, out, got, warned)
    _wrong_axis_softmax(x, out, got)
    e = np.exp(x - x.max())
    if np.allclose(out, e / e.max(axis=-1, keepdims=True)):
        raise Mistake(f"{got}: divide by the sum of the exponentials, not by their max.")
    if warned and np.allclose(out, expected, rtol=1e-5, atol=1e-7):
        raise Mistake(
            f"{got}: right values, but a step of your function warns - find the line that "
            "does (a log of 0? a division by 0?) and avoid it."
        )
    for limit in (1, 10, 50, 100, 500, 700, 709):  # a clip before exp, to avoid overflow
        if np.allclose(out, _softmax(np.clip(x, -limit, limit)), rtol=1e-5, atol=1e-7):
            raise Mistake(
                f"{got}, expected {show(expected)}: clipping the scores changes the gaps "
                "between them, and softmax depends only on those gaps - subtract the max "
                "score instead: softmax(x - max(x)) is the same and never overflows."
            )
    rows = np.sum(out, axis=-1, keepdims=True)
    raise Mistake(
        f"{got}, expected {show(expected)}: the rows sum to {show(rows.ravel())}; "
        "softmax is exp(x) divided by the sum of exp(x) along the last axis."
    )


def _unstable_softmax(x, out, got, warned) -> None:
    """Raise the Mistake of an overflow, an underflow or a nan from a -inf score, if any."""
    if np.all(np.isfinite(x)) and (
        not np.all(np.isfinite(out)) or "overflow" in warned or "invalid value" in warned
    ):
        if x.ndim == 2 and np.ptp(x.max(axis=-1)) >= 1000:
            raise Mistake(
                f"{got}: the row with small scores lost all its mass - subtract each row's "
                "own max (axis=-1, keepdims=True), not the max of the whole batch."
            )
        side = "overflows to inf" if x.max() > 0 else "underflows to 0, and 0/0 is nan"
        raise Mistake(
            f"{got}: exp of scores this size {side} - subtract the max score first, "
            "softmax(x) = softmax(x - max(x))."
        )
    if np.any(np.isneginf(x)) and np.any(np.isnan(out)):
        raise Mistake(
            f"{got}: a score of -inf should get probability 0, but -inf - (-inf) is nan - "
            "shift by the max, which is finite here, not by the min or the mean."
        )


def _wrong_axis_softmax(x, out, got) -> None:
    """Raise the Mistake of a batch normalised, shifted or summed along the wrong axis."""
    if x.ndim == 2 and np.allclose(out.sum(axis=0), 1):
        raise Mistake(
            f"{got}: each column sums to 1, not each row - rows are samples, so sum over "
            "the last axis (axis=-1), not axis=0."
        )
    if x.ndim == 2 and np.isclose(out.sum(), 1):
        raise Mistake(
            f"{got}: all {x.size} entries together sum to 1 - sum over the last axis only "
            "(axis=-1), one distribution per row."
        )
    e = np.exp(x - x.max())
    if x.ndim == 2 and x.shape[0] == x.shape[1] and np.allclose(out, e / e.sum(axis=-1)):
        raise Mistake(
            f"{got}: the row sums were broadcast along the columns - keep the summed axis "
            "(np.sum(..., axis=-1, keepdims=True)) so each row is divided by its own sum."
        )
    by_column = np.exp(x - x.max(axis=0))
    if x.ndim == 2 and np.allclose(out, by_column / by_column.sum(axis=-1, keepdims=True)):
        raise Mistake(
            f"{got}: you subtracted each column's max, which changes the gaps between the "
            "scores of a row - subtract each row's max, np.max(x, axis=-1, keepdims=True)."
        )


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # never exp of a large positive number
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_advice(err: Exception) -> str:
    if "0-d" in str(err) or "not subscriptable" in str(err):
        return "z may be a 0-d array such as np.array(3.0): work on the whole array with numpy"
    return ""


def _diagnose_sigmoid(answer) -> None:
    f = function_answer(answer, "my_sigmoid(z)")
    for z in (np.array([-2.0, 0.0, 2.0]), np.array([1000.0, -1000.0]), np.array(3.0)):
        label = f"my_sigmoid({show(z)})"
        out, warned = call(f, label, z, advice=_sigmoid_advice)
        out = as_array(out, label, z.shape)
        expected = sigmoid(z)
        got = f"{label} returned {show(out)}{_w(warned)}"
        # rtol: float32 is enough, as for softmax; atol: a clip of z far out (at +-500, say)
        # is as good as the exact 0 at z = -1000
        right = np.allclose(out, expected, rtol=1e-6, atol=1e-12)
        if right and not warned:
            continue
        _sigmoid_mistake(f, z, out, got, right, warned)


def _names_used(f) -> tuple[str, ...]:
    """The global and attribute names ``f``'s code uses (np.where shows as "where")."""
    try:
        return tuple(f.__code__.co_names)
    except Exception:  # a callable object: no code to read, or an attribute that raises
        return ()


def _sigmoid_mistake(f, z, out, got, right, warned) -> None:
    """Raise the Mistake that explains ``out``, a wrong or warning sigmoid of ``z``."""
    expected = sigmoid(z)
    if np.allclose(out, 1 - expected):
        raise Mistake(
            f"{got}: that is the probability of class 1 - class 0 has score z, so its "
            "probability e^z / (e^z + e^0) = 1 / (1 + e^-z) grows with z."
        )
    names = _names_used(f)
    if right and ("where" in names or "select" in names):
        raise Mistake(
            f"{got}: right values, but np.where computes both branches for every z before "
            "choosing, so exp still overflows at z = +-1000 - compute exp only of -|z|, "
            "e = np.exp(-np.abs(z)), or fill the z >= 0 and z < 0 entries through a boolean mask."
        )
    if np.any(np.isnan(out)) or warned:
        raise Mistake(
            f"{got}: e^z overflows for |z| = 1000 - for z < 0 use e^z / (1 + e^z), for "
            "z >= 0 use 1 / (1 + e^-z), each on its own entries (a boolean mask, or "
            "e = np.exp(-np.abs(z)))."
        )
    with np.errstate(all="ignore"):
        c = np.max(np.abs(np.log(out) - np.log1p(-out)))  # the largest |z| the answer saw
        clipped = c < np.abs(z).max() - 1 and np.allclose(out, sigmoid(np.clip(z, -c, c)))
    if clipped:
        raise Mistake(
            f"{got}, expected {show(expected)}: that is z clipped at +-{c:.3g} - clip further "
            "out, or not at all (sigmoid(-30) is already below 1e-13)."
        )
    raise Mistake(
        f"{got}, expected {show(expected)}: the probability of class 0 is e^z / (e^z + e^0)."
    )


def scale_for_certainty():
    scores = np.array([3.0, 1.0, 0.2])
    grid = np.geomspace(0.01, 100, 401)
    p0 = softmax(grid[:, None] * scores)[:, 0]  # one row per factor s
    return float(grid[np.argmax(p0 >= 0.99)])  # p0 only grows with s: the first hit


def _diagnose_scale(answer) -> None:
    s = as_number(answer, "a factor s from the grid")
    p0 = float(softmax(s * np.array([3.0, 1.0, 0.2]))[0])
    best = scale_for_certainty()
    if np.isclose(s, best, rtol=2e-3):
        return
    if p0 < 0.99:
        raise Mistake(
            f"at s = {s:.4g} class 0 gets probability {p0:.4f}, below 0.99 - a larger factor "
            "sharpens the softmax."
        )
    raise Mistake(
        f"at s = {s:.4g} class 0 gets {p0:.4f}, but a smaller factor on the grid already "
        "reaches 0.99 - take the first grid point where p0 >= 0.99 (np.argmax(p0 >= 0.99))."
    )


EXERCISES = [
    Exercise(
        name="softmax",
        notebook="01_softmax",
        stub="def my_softmax(x):\n    ...",
        answer_name="my_softmax",
        hint="softmax is exp(x) divided by the sum of exp(x) over the classes. Two questions: "
        "in a batch (one row per sample) which axis holds the classes, and what is "
        "np.exp(1000.0) in floating point?",
        closer_hint="Subtracting the same number from every score of a row leaves its softmax "
        "unchanged (the factor cancels in the ratio). Which number makes the largest exponent "
        "exp(0) = 1? Reduce along the last axis and keep that axis, so the result lines up "
        "with the rows of x.",
        explanation="Shifting by the max leaves softmax unchanged and makes the largest "
        "exponent exp(0) = 1; keepdims keeps one sum per row so it broadcasts.",
        passed="your softmax handles single vectors, batches, huge and -inf scores, and float32.",
        reference=softmax,
        diagnose=_diagnose_softmax,
    ),
    Exercise(
        name="sigmoid",
        notebook="01_softmax",
        stub="def my_sigmoid(z):\n    ...",
        answer_name="my_sigmoid",
        hint="The sigmoid is the two-class softmax: class 0 has score z, class 1 has score 0. "
        "Write class 0's probability, then ask which exponent overflows at |z| = 1000.",
        closer_hint="e^z / (e^z + 1) and 1 / (1 + e^-z) are the same number: one is safe for "
        "z < 0, the other for z >= 0. Use each on its own entries, so that exp only ever "
        "sees a number that is not positive.",
        explanation="This is softmax([z, 0])[0]; exp(-|z|) is at most 1, so nothing overflows.",
        passed="your sigmoid is the two-class softmax, stable at z = +-1000.",
        reference=sigmoid,
        diagnose=_diagnose_sigmoid,
    ),
    Exercise(
        name="scale_for_certainty",
        notebook="01_softmax",
        stub="smallest_factor = ...",
        answer_name="smallest_factor",
        hint="Try a few factors by hand: what does class 0's probability do as s grows? The "
        "answer is one of the grid's values, not a number of your own.",
        closer_hint="Compute class 0's probability for every s of the grid at once (one row "
        "of scaled scores per s), then find the first grid point where it reaches 0.99: "
        "np.argmax of a boolean array gives the index of its first True.",
        explanation="p0 grows with s (class 0 has the largest score), so the first grid point "
        "that reaches 0.99 is the answer.",
        passed="that is the first factor on the grid where class 0 reaches 0.99.",
        reference=scale_for_certainty,
        diagnose=_diagnose_scale,
        grid=tuple(np.geomspace(0.01, 100, 401)),
        grid_text="np.geomspace(0.01, 100, 401)",
    ),
]
